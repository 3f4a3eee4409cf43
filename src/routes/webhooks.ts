import { createRoute, z } from "@hono/zod-openapi";
import { withLiveStats } from "../delivery/sync";
import { EVENT_TYPES, sampleEnvelope } from "../events/catalog";
import { principalOf, requireScope } from "../http/auth";
import { endpointDeps } from "../http/deps";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  validatedUrl,
} from "../webhooks/endpoints";
import { endpointResource } from "../webhooks/resource";
import { sendOnce, serializeEnvelope } from "../webhooks/send";
import { standardSecretForm } from "../webhooks/signing";
import { idParam } from "./schemas";

const tags = ["Webhooks"];
const EventTypeEnum = z.enum(EVENT_TYPES);

export const WebhookSchema = z
  .object({
    id: z.string().openapi({ example: "we_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    url: z.string().openapi({ example: "https://www.example.com/callback" }),
    description: z.string().nullable(),
    events: z.array(z.string()),
    active: z.boolean(),
    status: z.enum(["active", "retrying", "failed", "disabled"]),
    pending_count: z.number().int(),
    last_success_at: z.string().nullable(),
    last_failure_at: z.string().nullable(),
    last_error: z.string().nullable(),
    has_client_secret: z.boolean(),
    max_in_flight: z.number().int().openapi({
      description: "Deliveries outstanding at once; 1 means strictly in order.",
      example: 1,
    }),
    rate_limit_per_second: z.number().int().nullable().openapi({
      description: "Deliveries started per second at most; null means no cap.",
    }),
    signing_public_key: z.string().nullable().openapi({
      description:
        "`whpk_…` ed25519 public key when asymmetric (`v1a`) signatures are on; verify `v1a,…` in `webhook-signature` with it.",
    }),
    include_subaccounts: z
      .boolean()
      .openapi({ description: "Also receives every descendant account's events." }),
    source: z.enum(["api", "integrations", "dashboard"]),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("WebhookEndpoint");

const WithSecret = WebhookSchema.extend({
  secret: z.string().openapi({ description: "Signing secret (`whsec_…` unless you chose one)" }),
  standard_secret: z.string().openapi({
    description:
      "The same secret in `whsec_` form (base64 of a chosen secret's UTF-8 bytes): what a Standard Webhooks library expects by default.",
  }),
}).openapi("WebhookEndpointWithSecret");

const Url = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .openapi({ example: "https://www.example.com/callback" });
const Events = z
  .array(EventTypeEnum)
  .min(1, "Subscribe to at least one event type.")
  .openapi({ example: ["message.delivered", "message.received"] });
const Description = z.string().trim().max(500).nullable();
const ClientSecret = z.string().min(1).max(512);
const MaxInFlight = z.number().int().min(1).max(50).openapi({
  description: "Deliveries outstanding at once (1–50); 1 keeps strict order.",
});
const RateLimit = z.number().int().min(1).max(10_000).nullable().openapi({
  description: "Deliveries started per second at most (1–10,000); null removes the cap.",
});
const Asymmetric = z.boolean().openapi({
  description:
    "Also sign with ed25519 (Standard Webhooks `v1a`); the resource shows the public key.",
});

const CreateBody = z.strictObject({
  url: Url,
  events: Events,
  description: Description.optional(),
  active: z.boolean().optional(),
  secret: z.string().min(8).max(256).optional().openapi({ description: "Your own signing secret" }),
  client_secret: ClientSecret.optional().openapi({
    description: "Sent as `Authorization: Bearer …`",
  }),
  max_in_flight: MaxInFlight.optional(),
  rate_limit_per_second: RateLimit.optional(),
  asymmetric_signing: Asymmetric.optional(),
  include_subaccounts: z.boolean().optional().openapi({
    description: "Also receive the events of every sub-account below this one (default false).",
  }),
});

const UpdateBody = z.strictObject({
  url: Url.optional(),
  events: Events.optional(),
  description: Description.optional(),
  active: z.boolean().optional(),
  client_secret: ClientSecret.nullable().optional().openapi({ description: "null removes it" }),
  max_in_flight: MaxInFlight.optional(),
  rate_limit_per_second: RateLimit.optional(),
  asymmetric_signing: Asymmetric.optional(),
  include_subaccounts: z.boolean().optional().openapi({
    description: "Also receive the events of every sub-account below this one (default false).",
  }),
});

const TestResult = z
  .object({
    ok: z.boolean(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    response_body: z.string().nullable().openapi({ description: "First 1 KiB of the response" }),
    error: z.string().nullable(),
    event_id: z.string(),
  })
  .openapi("WebhookTestResult");

const withSecret = (endpoint: Parameters<typeof endpointResource>[0]) => ({
  ...endpointResource(endpoint),
  secret: endpoint.secret,
  standard_secret: standardSecretForm(endpoint.secret),
});

const read = requireScope("webhooks:read");
const write = requireScope("webhooks:write");

const createWebhookRoute = createRoute({
  method: "post",
  path: "/v1/webhooks",
  operationId: "createWebhook",
  tags,
  summary: "Add a webhook endpoint",
  description:
    "Needs `webhooks:write`. The answer carries the signing `secret` (`whsec_…` unless you gave one). The URL must be public `https://`. An account may have at most `MAX_ENDPOINTS_PER_ACCOUNT` endpoints (default 100, both modes together): `422 limit_reached` with `details.limit` beyond.",
  middleware: [write] as const,
  request: jsonBody(CreateBody),
  responses: {
    201: jsonContent(WithSecret, "The endpoint and its signing secret"),
    ...errorResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const listWebhooksRoute = createRoute({
  method: "get",
  path: "/v1/webhooks",
  operationId: "listWebhooks",
  tags,
  summary: "List webhook endpoints, newest first",
  description: "Needs `webhooks:read`; each endpoint with its live status and pending count.",
  middleware: [read] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(WebhookSchema), "A page of endpoints"),
    ...errorResponses(401, 403, 422, 429),
  },
});

const getWebhookRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}",
  operationId: "getWebhook",
  tags,
  summary: "Retrieve a webhook endpoint with its delivery status",
  description: "Needs `webhooks:read`. `status` is `active`, `retrying`, `failed` or `disabled`.",
  middleware: [read] as const,
  request: { params: idParam("we") },
  responses: {
    200: jsonContent(WebhookSchema, "The endpoint"),
    ...errorResponses(401, 403, 404, 429),
  },
});

const updateWebhookRoute = createRoute({
  method: "patch",
  path: "/v1/webhooks/{id}",
  operationId: "updateWebhook",
  tags,
  summary: "Update a webhook endpoint",
  description:
    "Needs `webhooks:write`. Any settings change of a `failed` endpoint retries its oldest pending event at once.",
  middleware: [write] as const,
  request: { params: idParam("we"), ...jsonBody(UpdateBody) },
  responses: {
    200: jsonContent(WebhookSchema, "The updated endpoint"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

const deleteWebhookRoute = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  operationId: "deleteWebhook",
  tags,
  summary: "Delete a webhook endpoint",
  description: "Needs `webhooks:write`. Pending deliveries of the endpoint are dropped.",
  middleware: [write] as const,
  request: { params: idParam("we") },
  responses: {
    200: jsonContent(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted"),
    ...errorResponses(401, 403, 404, 429),
  },
});

const revealSecretRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/secret",
  operationId: "getWebhookSecret",
  tags,
  summary: "Reveal the signing secret (admin or webhooks:write)",
  description:
    "Needs `webhooks:write`: the signing secret is as sensitive as the ability to change the endpoint.",
  middleware: [write] as const,
  request: { params: idParam("we") },
  responses: {
    200: jsonContent(
      z.object({
        secret: z.string(),
        standard_secret: z.string().openapi({ description: "The same secret in `whsec_` form" }),
        previous_secret_expires_at: z.string().nullable(),
      }),
      "The current signing secret",
    ),
    ...errorResponses(401, 403, 404, 429),
  },
});

const rotateSecretRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  tags,
  summary: "New signing secret; the old one also signs until the grace period ends",
  description:
    "Needs `webhooks:write`. During the grace period every delivery carries both signatures.",
  middleware: [write] as const,
  request: {
    params: idParam("we"),
    ...jsonBody(
      z.strictObject({
        grace_period_seconds: z
          .number()
          .int()
          .min(0)
          .max(604_800)
          .default(86_400)
          .openapi({ description: "Default 24 h; 0 switches at once" }),
      }),
    ),
  },
  responses: {
    200: jsonContent(WithSecret, "The endpoint with its new secret"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

const testWebhookRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/test",
  operationId: "testWebhook",
  tags,
  summary: "Send a signed sample event now and report the response",
  description:
    "Needs `webhooks:write`. Sends a sample of `event_type` synchronously and returns the receiver's status, duration and body excerpt; nothing is queued or retried.",
  middleware: [write] as const,
  request: { params: idParam("we"), ...jsonBody(z.strictObject({ event_type: EventTypeEnum })) },
  responses: {
    200: jsonContent(TestResult, "What the endpoint answered"),
    ...errorResponses(400, 401, 403, 404, 415, 422, 429),
  },
});

export const webhookRoutes = createRouter()
  .openapi(createWebhookRoute, async (c) => {
    const body = c.req.valid("json");
    const endpoint = await createEndpoint(
      endpointDeps(c),
      principalOf(c).accountId,
      {
        url: validatedUrl(body.url, c.get("config").allowPrivateWebhookUrls),
        events: body.events,
        description: body.description,
        active: body.active,
        secret: body.secret,
        clientSecret: body.client_secret,
        maxInFlight: body.max_in_flight,
        rateLimitPerSecond: body.rate_limit_per_second,
        asymmetricSigning: body.asymmetric_signing,
        includeSubaccounts: body.include_subaccounts,
      },
      principalOf(c).kind === "session" ? "dashboard" : "api",
    );
    return c.json(withSecret(endpoint), 201);
  })
  .openapi(listWebhooksRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await listEndpoints(c.get("db"), principalOf(c).accountId, limit, cursor);
    return c.json(toPage(await withLiveStats(c.env, rows), limit, endpointResource), 200);
  })
  .openapi(getWebhookRoute, async (c) => {
    const endpoint = await getEndpoint(
      c.get("db"),
      principalOf(c).accountId,
      c.req.valid("param").id,
    );
    const [live] = await withLiveStats(c.env, [endpoint]);
    return c.json(endpointResource(live ?? endpoint), 200);
  })
  .openapi(updateWebhookRoute, async (c) => {
    const body = c.req.valid("json");
    const endpoint = await updateEndpoint(
      endpointDeps(c),
      principalOf(c).accountId,
      c.req.valid("param").id,
      {
        url:
          body.url === undefined
            ? undefined
            : validatedUrl(body.url, c.get("config").allowPrivateWebhookUrls),
        events: body.events,
        description: body.description,
        active: body.active,
        clientSecret: body.client_secret,
        maxInFlight: body.max_in_flight,
        rateLimitPerSecond: body.rate_limit_per_second,
        asymmetricSigning: body.asymmetric_signing,
        includeSubaccounts: body.include_subaccounts,
      },
    );
    return c.json(endpointResource(endpoint), 200);
  })
  .openapi(deleteWebhookRoute, async (c) => {
    const endpoint = await deleteEndpoint(
      endpointDeps(c),
      principalOf(c).accountId,
      c.req.valid("param").id,
    );
    return c.json({ id: endpoint.id, deleted: true as const }, 200);
  })
  .openapi(revealSecretRoute, async (c) => {
    const endpoint = await getEndpoint(
      c.get("db"),
      principalOf(c).accountId,
      c.req.valid("param").id,
    );
    const now = c.get("services").clock.now();
    const graceEnds = endpoint.previousSecretExpiresAt;
    return c.json(
      {
        secret: endpoint.secret,
        standard_secret: standardSecretForm(endpoint.secret),
        previous_secret_expires_at:
          graceEnds && graceEnds > now ? new Date(graceEnds).toISOString() : null,
      },
      200,
    );
  })
  .openapi(rotateSecretRoute, async (c) => {
    const endpoint = await rotateEndpointSecret(
      endpointDeps(c),
      principalOf(c).accountId,
      c.req.valid("param").id,
      c.req.valid("json").grace_period_seconds,
    );
    return c.json(withSecret(endpoint), 200);
  })
  .openapi(testWebhookRoute, async (c) => {
    const principal = principalOf(c);
    const endpoint = await getEndpoint(c.get("db"), principal.accountId, c.req.valid("param").id);
    const services = c.get("services");
    const now = services.clock.now();
    const envelope = sampleEnvelope(c.req.valid("json").event_type, {
      id: services.ids.next("evt"),
      accountId: principal.accountId,
      livemode: principal.livemode,
      now,
    });
    const result = await sendOnce(
      endpoint,
      { id: envelope.id, body: serializeEnvelope(envelope) },
      {
        timeoutMs: c.get("config").webhookTimeoutMs,
        now,
      },
    );
    return c.json(
      {
        ok: result.ok,
        status_code: result.status_code,
        duration_ms: result.duration_ms,
        response_body: result.response_body,
        error: result.error,
        event_id: envelope.id,
      },
      200,
    );
  });
