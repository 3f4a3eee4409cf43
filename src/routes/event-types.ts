import { createRoute, z } from "@hono/zod-openapi";
import { EVENT_CATALOG, EVENT_TYPES, sampleEnvelope } from "../events/catalog";
import { createRouter, errorResponses, jsonContent } from "../http/router";

const EventTypeSchema = z
  .object({
    type: z.string().openapi({ example: "message.delivered" }),
    description: z.string(),
    data_schema: z
      .record(z.string(), z.unknown())
      .openapi({ description: "JSON Schema of `data`" }),
    sample: z
      .record(z.string(), z.unknown())
      .openapi({ description: "A complete sample envelope" }),
  })
  .openapi("EventType");

const listEventTypesRoute = createRoute({
  method: "get",
  path: "/v1/event-types",
  operationId: "listEventTypes",
  tags: ["Events"],
  summary: "The event catalog: every type with a description, data schema and sample payload",
  description:
    "Public: the same catalog the dashboard shows, with each type's data schema and a sample envelope.",
  security: [],
  responses: {
    200: jsonContent(
      z.object({ data: z.array(EventTypeSchema), has_more: z.boolean(), next_cursor: z.null() }),
      "The catalog",
    ),
    ...errorResponses(401, 429),
  },
});

/** The catalog is static; built once per isolate. Samples use a fixed time so they stay stable. */
const SAMPLE_TIME = Date.UTC(2026, 0, 15, 12, 0, 0);
const catalog = EVENT_TYPES.map((type) => ({
  type,
  description: EVENT_CATALOG[type].description,
  data_schema: z.toJSONSchema(EVENT_CATALOG[type].dataSchema) as Record<string, unknown>,
  sample: sampleEnvelope(type, {
    id: "evt_0VZ2xTqK3aBcDeFgHiJkLmNoP",
    accountId: "acct_0VZ2xTqK3aBcDeFgHiJkLmNoP",
    livemode: true,
    now: SAMPLE_TIME,
  }) as unknown as Record<string, unknown>,
}));

export const eventTypeRoutes = createRouter().openapi(listEventTypesRoute, (c) =>
  c.json({ data: catalog, has_more: false, next_cursor: null }, 200),
);
