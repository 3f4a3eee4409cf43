import { createRoute, z } from "@hono/zod-openapi";
import { endpointObject } from "../durable/stubs";
import { EVENT_TYPES } from "../events/catalog";
import { requireScope } from "../http/auth";
import { callLedger, runLedger } from "../http/ledger";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema } from "../lib/pagination";
import { toIsoOrNull } from "../lib/time";
import { idParam } from "./schemas";

const tags = ["Events"];

const EventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    type: z.string(),
    created_at: z.string(),
    account_id: z.string(),
    // Events stored before the hierarchy existed have no such field.
    parent_account_id: z.string().nullable().optional(),
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

const sessionSeesBothModes = { sessionBothModes: true } as const;

export const eventRoutes = createRouter()
  .openapi(listEventsRoute, (c) =>
    runLedger(c, "listEvents", c.req.valid("query"), sessionSeesBothModes),
  )
  .openapi(getEventRoute, async (c) => {
    const answer = await callLedger(c, "getEvent", c.req.valid("param"), sessionSeesBothModes);
    const { endpoint_ids: endpointIds, ...event } = JSON.parse(answer.body) as z.infer<
      typeof EventSchema
    > & { endpoint_ids: string[] };
    const deliveries = await Promise.all(
      endpointIds.map(async (endpointId) => {
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
    return c.json({ ...event, deliveries }, 200);
  })
  .openapi(triggerRoute, (c) =>
    // The dashboard's sample events are test data, like a test key's.
    runLedger(c, "publishTestEvent", c.req.valid("json"), { sessionLivemode: false }),
  );
