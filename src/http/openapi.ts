import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "./context";
import { registerEventWebhooks } from "./openapi-webhooks";

/** Every operation carries one of these tags (a test checks it); the order is the docs' order. */
export const TAGS = [
  { name: "Auth", description: "Sign up, log in and out, and who the caller is." },
  { name: "Account", description: "The account a credential acts in, and its sub-accounts." },
  { name: "Users", description: "People of the account and their roles (admins manage them)." },
  {
    name: "API keys",
    description:
      "API keys and integration credentials: created, rotated and revoked from an admin session; the secret is shown once.",
  },
  {
    name: "Webhooks",
    description:
      "Webhook endpoints: subscriptions, signing secrets, test sends, the attempt log and replay.",
  },
  {
    name: "Integrations",
    description:
      "The TextUs-compatible face of webhook endpoints (seed 003): JSON-LD bodies, answered in `application/vnd.textus+jsonld` when asked for.",
  },
  {
    name: "Events",
    description:
      "The event catalog, stored events and redelivery; the `webhooks` section describes each payload Switchboard sends.",
  },
  { name: "Messages", description: "Send and read SMS; sending fires `message.*` events." },
  {
    name: "Phone numbers",
    description:
      "The account's own numbers: the only ones it may send from, and the ones its inbound messages arrive on.",
  },
  { name: "Contacts", description: "Contacts, tags and opt-out state; changes fire `contact.*`." },
  {
    name: "Calls",
    description: "Trigger and read calls; completion fires `phone_call.completed`.",
  },
  {
    name: "Test helpers",
    description: "Test-mode only: make the simulated carrier or the pipeline do something now.",
  },
  { name: "Notifications", description: "Endpoint failure and recovery notices for admins." },
  { name: "Audit", description: "Who created, rotated and revoked which credential." },
  {
    name: "Carrier callbacks",
    description:
      "Called by Twilio, not by clients: status callbacks and inbound SMS, authenticated by `X-Twilio-Signature` instead of a key.",
  },
  { name: "System", description: "Health and this document." },
];

type Doc = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
// biome-ignore lint/suspicious/noExplicitAny: the generated document is walked as plain JSON.
type Json = Record<string, any>;

const ErrorRef = { $ref: "#/components/schemas/Error" };
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const HEADERS = {
  RequestId: {
    description:
      "This request's id (the `cf-ray` id when Cloudflare assigned one); quote it in support requests. Errors repeat it as `error.request_id`.",
    schema: { type: "string", example: "req_0VZ2xTqK3aBcDeFgHiJkLmNoP" },
  },
  RetryAfter: {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", minimum: 0, example: 30 },
  },
  IdempotentReplayed: {
    description:
      "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key` (nothing was done again).",
    schema: { type: "string", enum: ["true"] },
  },
};
/** What `authenticate` itself can answer on any route that takes an API key. */
const KEY_FAILURES: Record<string, string> = {
  "401": "Missing, invalid, revoked or expired credentials",
  "429": "Rate limited; see Retry-After",
  "503": "A dependency is briefly unavailable or a secret is not configured; see Retry-After",
};

const isIdempotent = (operation: Json) =>
  (operation.parameters ?? []).some(
    (p: Json) => p.in === "header" && String(p.name).toLowerCase() === "idempotency-key",
  );
const takesApiKey = (operation: Json, global: Json[]) =>
  (operation.security ?? global).some((requirement: Json) => "apiKey" in requirement);

/**
 * Adds what every route shares instead of repeating it in each `createRoute`: the response
 * headers (`X-Request-Id` everywhere, `Retry-After` on 429/503, `Idempotent-Replayed` on
 * idempotent operations' successes) and the failures the authentication middleware can give.
 */
export function decorate(doc: Json): Json {
  doc.components ??= {};
  doc.components.headers = { ...doc.components.headers, ...HEADERS };
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const operation of Object.values<Json>(item)) {
      if (typeof operation !== "object" || !operation.responses) continue;
      if (takesApiKey(operation, doc.security ?? [])) {
        for (const [status, description] of Object.entries(KEY_FAILURES)) {
          operation.responses[status] ??= {
            description,
            content: { "application/json": { schema: ErrorRef } },
          };
        }
      }
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        response.headers = { ...response.headers, "X-Request-Id": header("RequestId") };
        if (status === "429" || status === "503")
          response.headers["Retry-After"] = header("RetryAfter");
        if (status.startsWith("2") && isIdempotent(operation)) {
          response.headers["Idempotent-Replayed"] = header("IdempotentReplayed");
        }
      }
    }
  }
  return doc;
}

export const openApiRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  operationId: "getOpenApiDocument",
  tags: ["System"],
  summary: "This OpenAPI 3.1 document",
  description:
    "The machine-readable description of every operation and webhook; no credentials needed.",
  security: [],
  responses: {
    200: {
      description: "The document",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

const documents = new WeakMap<object, Json>();

/**
 * Built once per isolate (per app) and served from memory: generating it walks every zod schema,
 * which made `/openapi.json` several times slower than `/healthz` when done per request.
 */
export function openApiDocument(app: OpenAPIHono<AppEnv>, version: string): Json {
  const cached = documents.get(app);
  if (cached) return cached;
  registerEventWebhooks(app.openAPIRegistry);
  const doc: Doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version,
      description:
        "API keys, webhooks, messages, calls and contacts for the Switchboard messaging platform. Errors are always `{error:{code,message,details}}`; lists are `{data,has_more,next_cursor}`. Guides: README.md and docs/ in the repository.",
      contact: { name: "Switchboard engineering" },
    },
    servers: [
      { url: "http://localhost:8787", description: "Local development (`npm start`)" },
      {
        url: "https://{host}",
        description: "A deployment (`wrangler deploy`)",
        variables: { host: { default: "switchboard.workers.dev", description: "Its hostname" } },
      },
    ],
    tags: TAGS,
    security: [{ apiKey: [] }, { session: [] }],
  });
  const decorated = decorate(doc as Json);
  // 3.1's SPDX `identifier` (the generator's types only know 3.0's `url`); the code is not open source.
  decorated.info.license = { name: "Proprietary", identifier: "LicenseRef-Proprietary" };
  documents.set(app, decorated);
  return decorated;
}
