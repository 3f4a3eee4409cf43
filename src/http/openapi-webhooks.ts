import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { EVENT_CATALOG, EVENT_TYPES, type EventType } from "../events/catalog";
import type { AppEnv } from "./context";

type Registry = OpenAPIHono<AppEnv>["openAPIRegistry"];

/** `message.delivered` → `MessageDelivered`: the schema name and operationId stem of a type. */
const pascal = (type: string) =>
  type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");

const DeliveryHeaders = z.object({
  "webhook-id": z.string().openapi({
    description: "The event id; stable across retries, so receivers dedupe on it.",
    example: "evt_0VZ2xTqK3aBcDeFgHiJkLmNoP",
  }),
  "webhook-timestamp": z.string().openapi({
    description: "Unix seconds when this attempt was signed; reject values far from your clock.",
    example: "1768478400",
  }),
  "webhook-signature": z.string().openapi({
    description:
      'Standard Webhooks: `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, space-separated when a rotated secret is still in its grace period.',
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
  "x-switchboard-signature": z.string().openapi({
    description:
      "Hex HMAC-SHA256 of the raw body, keyed with the whole secret string as UTF-8 (seed 003's check). Integrations made through the TextUs path also get it as `X-TextUs-Signature`.",
  }),
});

/** One envelope schema per type, so `type` and `data` are tied together in the document. */
function envelope(type: EventType) {
  return z
    .object({
      id: z.string().openapi({ example: "evt_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
      type: z.literal(type),
      created_at: z.iso.datetime(),
      account_id: z.string().openapi({ example: "acct_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
      parent_account_id: z.string().nullable().openapi({
        description: "The parent of the account the event happened in; null at the top.",
      }),
      livemode: z.boolean().openapi({ description: "false for events made with a test key." }),
      data: EVENT_CATALOG[type].dataSchema,
    })
    .openapi(`${pascal(type)}Event`);
}

/**
 * Every catalog event type as an OpenAPI 3.1 webhook: what Switchboard POSTs to a subscribed
 * endpoint. Generated from the catalog, so a new type is documented the moment it exists.
 */
export function registerEventWebhooks(registry: Registry) {
  for (const type of EVENT_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `on${pascal(type)}`,
      tags: ["Events"],
      summary: `\`${type}\` delivered to your endpoint`,
      description: `${EVENT_CATALOG[type].description} Delivered as a signed JSON POST; any 2xx acknowledges it, anything else is retried (see docs/webhooks.md).`,
      security: [],
      request: {
        headers: DeliveryHeaders,
        body: { required: true, content: { "application/json": { schema: envelope(type) } } },
      },
      responses: {
        200: { description: "Acknowledged (any 2xx status does)." },
        "4XX": {
          description:
            "408 and 429 are retried with backoff; any other 4xx (or 5xx other than 504) marks the endpoint `failed` and pauses it until an hourly retry succeeds.",
        },
      },
    });
  }
}
