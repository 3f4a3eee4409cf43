import { createRoute, z } from "@hono/zod-openapi";
import { HEALTH_TIMELINE_LIMIT, HEALTH_WINDOW_HOURS } from "../delivery/health";
import { endpointObject } from "../durable/stubs";
import { principalOf, requireScope } from "../http/auth";
import { createRouter, errorResponses, jsonContent } from "../http/router";
import { toIso } from "../lib/time";
import { getEndpoint } from "../webhooks/endpoints";
import { idParam } from "./schemas";

const StatsSchema = z
  .object({
    endpoint_id: z.string().openapi({ example: "we_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    window_hours: z.number().int().openapi({ example: HEALTH_WINDOW_HOURS }),
    attempts: z
      .number()
      .int()
      .openapi({ description: "Delivery attempts made in the window", example: 120 }),
    succeeded: z
      .number()
      .int()
      .openapi({ description: "Attempts the endpoint accepted (2xx)", example: 118 }),
    failed: z.number().int().openapi({ example: 2 }),
    success_rate: z.number().min(0).max(1).nullable().openapi({
      description: "succeeded / attempts; null when nothing was attempted",
      example: 0.9833,
    }),
    latency_ms: z
      .object({
        p50: z.number().int().openapi({ example: 84 }),
        p95: z.number().int().openapi({ example: 412 }),
      })
      .nullable()
      .openapi({ description: "Response time percentiles; null when nothing was attempted" }),
    timeline: z
      .array(
        z.object({
          at: z.string().openapi({ format: "date-time", example: "2026-12-01T11:07:10.000Z" }),
          status_code: z.number().int().nullable().openapi({
            description: "null: no response (timeout, connection error)",
            example: 200,
          }),
          ok: z.boolean().openapi({ description: "The endpoint accepted it", example: true }),
          duration_ms: z.number().int().openapi({ example: 84 }),
          event_type: z.string().openapi({ example: "message.delivered" }),
        }),
      )
      .openapi({
        description: `The last ${HEALTH_TIMELINE_LIMIT} attempts of the window, oldest first`,
      }),
  })
  .openapi("WebhookStats");

const statsRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/stats",
  operationId: "getWebhookStats",
  tags: ["Webhooks"],
  summary: "Delivery health of an endpoint over the last 24 hours",
  description:
    "Success rate, latency and a timeline of recent attempts, computed from the endpoint's delivery log. Test sends (`POST /v1/webhooks/{id}/test`) are not part of it. An API key sees its own mode's deliveries only; the dashboard both.",
  middleware: [requireScope("webhooks:read")] as const,
  request: { params: idParam("we") },
  responses: {
    200: jsonContent(StatsSchema, "The endpoint's delivery health"),
    ...errorResponses(401, 403, 404, 429),
  },
});

export const webhookStatsRoutes = createRouter().openapi(statsRoute, async (c) => {
  const { id } = c.req.valid("param");
  // Ownership first: another account's endpoint is a 404 before its object is ever reached.
  const principal = principalOf(c);
  await getEndpoint(c.get("db"), principal.accountId, id);
  // Like the attempt log: a key's figures are its own mode's deliveries; the dashboard's both.
  const health = await endpointObject(c.env, id).health(
    principal.kind === "api_key" ? principal.livemode : undefined,
  );
  return c.json(
    {
      endpoint_id: id,
      window_hours: health.windowHours,
      attempts: health.attempts,
      succeeded: health.succeeded,
      failed: health.failed,
      success_rate: health.successRate,
      latency_ms: health.latencyMs,
      timeline: health.timeline.map((point) => ({
        at: toIso(point.at),
        status_code: point.statusCode,
        ok: point.ok,
        duration_ms: point.durationMs,
        event_type: point.eventType,
      })),
    },
    200,
  );
});
