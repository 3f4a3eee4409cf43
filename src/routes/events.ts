import { createRoute, z } from "@hono/zod-openapi";
import type { StoredEvent } from "../db/schema";
import { findEvent, listEvents } from "../delivery/events-store";
import { publish } from "../delivery/publish";
import { endpointObject } from "../durable/webhook-endpoint";
import { ApiError, notFound } from "../errors";
import { EVENT_CATALOG, EVENT_TYPES } from "../events/catalog";
import { principalOf, requireScope } from "../http/auth";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { toIsoOrNull } from "../lib/time";
import { idParam } from "./schemas";

const tags = ["Events"];

const EventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    type: z.string(),
    created_at: z.string(),
    account_id: z.string(),
    livemode: z.boolean(),
    data: z.unknown(),
  })
  .openapi("Event");

const EventDeliverySchema = z.object({
  endpoint_id: z.string(),
  state: z.enum(["pending", "delivered", "failed", "unknown"]),
  attempts: z.number().int(),
  last_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
});

const listEventsRoute = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  tags,
  summary: "Events, newest first (test keys see test events, live keys live ones)",
  description: "Needs `events:read`; filter by `type`.",
  middleware: [requireScope("events:read")] as const,
  request: { query: PageQuery.extend({ type: z.enum(EVENT_TYPES).optional() }) },
  responses: {
    200: jsonContent(pageSchema(EventSchema), "A page of events"),
    ...errorResponses(401, 403, 422, 429),
  },
});

const getEventRoute = createRoute({
  method: "get",
  path: "/v1/events/{id}",
  operationId: "getEvent",
  tags,
  summary: "One event with its delivery status at every endpoint it went to",
  description: "Needs `events:read`.",
  middleware: [requireScope("events:read")] as const,
  request: { params: idParam("evt") },
  responses: {
    200: jsonContent(EventSchema.extend({ deliveries: z.array(EventDeliverySchema) }), "The event"),
    ...errorResponses(401, 403, 404, 429),
  },
});

const triggerRoute = createRoute({
  method: "post",
  path: "/v1/test-helpers/events",
  operationId: "createTestEvent",
  tags: ["Test helpers"],
  summary: "Publish a sample event through the real delivery pipeline (test mode only)",
  description:
    "Test keys only (403 otherwise). Stores a sample event of the given type and fans it out to subscribed endpoints like a real one.",
  middleware: [requireScope("webhooks:write")] as const,
  request: {
    ...jsonBody(
      z.strictObject({
        type: z.enum(EVENT_TYPES),
        data: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  },
  responses: {
    201: jsonContent(EventSchema, "The published event"),
    ...errorResponses(400, 401, 403, 415, 422, 429),
  },
});

const envelopeOf = (event: StoredEvent) => JSON.parse(event.payload) as z.infer<typeof EventSchema>;

/** Test keys see only test events and live keys only live ones; the dashboard sees both. */
function modeFilter(principal: ReturnType<typeof principalOf>) {
  return principal.kind === "api_key" ? principal.livemode : undefined;
}

export const eventRoutes = createRouter()
  .openapi(listEventsRoute, async (c) => {
    const principal = principalOf(c);
    const { limit, cursor, type } = c.req.valid("query");
    const rows = await listEvents(
      c.get("db"),
      principal.accountId,
      { type, livemode: modeFilter(principal) },
      limit,
      cursor,
    );
    return c.json(toPage(rows, limit, envelopeOf), 200);
  })
  .openapi(getEventRoute, async (c) => {
    const principal = principalOf(c);
    const event = await findEvent(c.get("db"), principal.accountId, c.req.valid("param").id);
    const mode = modeFilter(principal);
    if (!event || (mode !== undefined && event.livemode !== mode)) throw notFound("event");
    const deliveries = await Promise.all(
      event.endpointIds.map(async (endpointId) => {
        const [state] = await endpointObject(c.env, endpointId).eventStates([event.id]);
        return {
          endpoint_id: endpointId,
          state: state?.state ?? ("unknown" as const),
          attempts: state?.attempts ?? 0,
          last_attempt_at: toIsoOrNull(state?.lastAttemptAt),
          last_status_code: state?.lastStatusCode ?? null,
          last_error: state?.lastError ?? null,
        };
      }),
    );
    return c.json({ ...envelopeOf(event), deliveries }, 200);
  })
  .openapi(triggerRoute, async (c) => {
    const principal = principalOf(c);
    if (principal.kind === "api_key" && principal.livemode) {
      throw new ApiError("test_mode_only", "Test helpers need a test-mode key (sk_test_…).");
    }
    const { type, data } = c.req.valid("json");
    const services = c.get("services");
    const sample = EVENT_CATALOG[type].sample({ now: services.clock.now() }) as Record<
      string,
      unknown
    >;
    const envelope = await publish(
      { db: c.get("db"), env: c.env, services },
      { accountId: principal.accountId, type, data: { ...sample, ...data }, livemode: false },
    );
    return c.json(envelope, 201);
  });
