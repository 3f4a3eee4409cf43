import { createRoute, z } from "@hono/zod-openapi";
import { accountObject, endpointObject } from "../durable/stubs";
import { notFound } from "../errors";
import { principalOf, requireScope } from "../http/auth";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { MAX_PAGE_SIZE, PageQuery, pageSchema } from "../lib/pagination";
import { toIso } from "../lib/time";
import { findEndpoints, getEndpoint } from "../webhooks/endpoints";
import { idParam } from "./schemas";

const tags = ["Webhooks"];
/** One replay call re-queues at most this many events; call again with a later `since` for more. */
export const MAX_REPLAY = 10_000;

const DeliverySchema = z
  .object({
    id: z.string().openapi({ example: "del_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    event_id: z.string(),
    event_type: z.string(),
    attempt: z.number().int(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
    response_excerpt: z
      .string()
      .nullable()
      .openapi({ description: "First 1 KiB of the response body" }),
    outcome: z.enum(["delivered", "transient", "gone", "fatal"]),
    created_at: z.string(),
  })
  .openapi("DeliveryAttempt");

const deliveriesRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags,
  summary: "The endpoint's attempt log, newest first",
  description:
    "Needs `webhooks:read`. One row per attempt: event, attempt number, status code, duration, error and the first KiB of the answer. An API key sees only its own mode's attempts; the dashboard both.",
  middleware: [requireScope("webhooks:read")] as const,
  request: {
    params: idParam("we"),
    query: PageQuery.extend({ event_id: z.string().max(64).optional() }),
  },
  responses: {
    200: jsonContent(pageSchema(DeliverySchema), "A page of attempts"),
    ...errorResponses(401, 403, 404, 422, 429),
  },
});

const replayRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/replay",
  operationId: "replayWebhook",
  tags,
  summary: "Re-send every subscribed event since a time (oldest first)",
  description:
    "Needs `webhooks:write`. Queues again every event since `since` that the endpoint subscribes to; receivers dedupe on the unchanged event ids.",
  middleware: [requireScope("webhooks:write")] as const,
  request: {
    params: idParam("we"),
    ...jsonBody(z.strictObject({ since: z.iso.datetime({ offset: true }) })),
  },
  responses: {
    202: jsonContent(
      z.object({
        replayed: z.number().int(),
        has_more: z.boolean().openapi({ description: `More than ${MAX_REPLAY} matched` }),
      }),
      "Events queued again",
    ),
    ...errorResponses(400, 401, 403, 404, 415, 422, 429),
  },
});

const redeliverRoute = createRoute({
  method: "post",
  path: "/v1/events/{id}/redeliver",
  operationId: "redeliverEvent",
  tags: ["Events"],
  summary: "Send one event again, to one endpoint or to every endpoint it went to",
  description: "Needs `webhooks:write`. The event keeps its id.",
  middleware: [requireScope("webhooks:write")] as const,
  request: {
    params: idParam("evt"),
    ...jsonBody(z.strictObject({ endpoint_id: z.string().max(64).optional() })),
  },
  responses: {
    202: jsonContent(
      z.object({ event_id: z.string(), endpoint_ids: z.array(z.string()) }),
      "Queued again",
    ),
    ...errorResponses(400, 401, 403, 404, 415, 422, 429),
  },
});

export const deliveryRoutes = createRouter()
  .openapi(deliveriesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor, event_id } = c.req.valid("query");
    const principal = principalOf(c);
    await getEndpoint(c.get("db"), principal.accountId, id);
    // An endpoint receives both modes' events; a key reads only its own mode's attempts.
    const mode = principal.kind === "api_key" ? principal.livemode : undefined;
    const rows = await endpointObject(c.env, id).deliveries(
      Math.min(limit, MAX_PAGE_SIZE) + 1,
      cursor,
      event_id,
      mode,
    );
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    return c.json(
      {
        data: page.map((row) => ({
          id: row.id,
          event_id: row.eventId,
          event_type: row.eventType,
          attempt: row.attempt,
          status_code: row.statusCode,
          duration_ms: row.durationMs,
          error: row.error,
          response_excerpt: row.responseExcerpt,
          outcome: row.outcome as "delivered" | "transient" | "gone" | "fatal",
          created_at: toIso(row.at),
        })),
        has_more: hasMore,
        next_cursor: hasMore ? (page.at(-1)?.id ?? null) : null,
      },
      200,
    );
  })
  .openapi(replayRoute, async (c) => {
    const principal = principalOf(c);
    const { accountId } = principal;
    const endpoint = await getEndpoint(c.get("db"), accountId, c.req.valid("param").id);
    const since = Date.parse(c.req.valid("json").since);
    // A key replays only its own mode's events; the dashboard replays both.
    const mode = principal.kind === "api_key" ? principal.livemode : undefined;
    const rows = await accountObject(c.env, accountId).eventsSince(
      accountId,
      since,
      endpoint.events,
      MAX_REPLAY + 1,
      mode,
      endpoint.includeSubaccounts,
    );
    const batch = rows.slice(0, MAX_REPLAY).map((row) => ({
      eventId: row.id,
      type: row.type,
      payload: row.payload,
      createdAt: row.createdAt,
    }));
    const replayed = batch.length
      ? await endpointObject(c.env, endpoint.id).enqueue(endpoint, batch, { requeue: true })
      : 0;
    return c.json({ replayed, has_more: rows.length > MAX_REPLAY }, 202);
  })
  .openapi(redeliverRoute, async (c) => {
    const principal = principalOf(c);
    const { accountId } = principal;
    const event = await accountObject(c.env, accountId).findEvent(
      accountId,
      c.req.valid("param").id,
    );
    if (!event || (principal.kind === "api_key" && event.livemode !== principal.livemode)) {
      throw notFound("event");
    }
    const requested = c.req.valid("json").endpoint_id;
    const ids = requested ? [requested] : event.endpointIds;
    const endpoints = await findEndpoints(c.get("db"), accountId, ids);
    if (requested && endpoints.length === 0) throw notFound("webhook endpoint");
    const queued = {
      eventId: event.id,
      type: event.type,
      payload: event.payload,
      createdAt: event.createdAt,
    };
    await Promise.all(
      endpoints.map((endpoint) =>
        endpointObject(c.env, endpoint.id).enqueue(endpoint, [queued], { requeue: true }),
      ),
    );
    return c.json(
      { event_id: event.id, endpoint_ids: endpoints.map((endpoint) => endpoint.id) },
      202,
    );
  });
