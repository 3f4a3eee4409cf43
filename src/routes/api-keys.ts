import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { SCOPES, type Scope } from "../auth/scopes";
import { requirePepper } from "../config";
import { ApiError } from "../errors";
import { principalOf, requireAdmin, requireSession } from "../http/auth";
import type { AppEnv } from "../http/context";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { keyResource } from "../keys/resource";
import {
  createKey,
  getKey,
  type KeyDeps,
  listKeys,
  revokeKey,
  rotateKey,
  withPendingLastUsed,
} from "../keys/service";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { idParam } from "./schemas";

const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    name: z.string().openapi({ example: "CRM Integration" }),
    description: z.string().nullable(),
    environment: z.enum(["production", "test"]),
    livemode: z.boolean(),
    scopes: z.array(z.string()),
    prefix: z.string().openapi({ example: "sk_live_Ab12" }),
    masked: z.string().openapi({ example: "sk_live_Ab12…wXyZ" }),
    status: z.enum(["active", "expiring", "expired", "revoked"]),
    last_used_at: z.string().nullable().openapi({ description: "null means never used" }),
    created_at: z.string(),
    created_by: z.string(),
    expires_at: z.string().nullable(),
    revoked_at: z
      .string()
      .nullable()
      .openapi({ description: "End of the rotation grace period, if any" }),
    rotated_from: z.string().nullable(),
    rotation_due: z.boolean().openapi({ description: "Older than 90 days: rotate it" }),
  })
  .openapi("ApiKey");

const IssuedKeySchema = ApiKeySchema.extend({
  key: z
    .string()
    .openapi({ description: "The full secret. Shown once; it cannot be retrieved again." }),
}).openapi("IssuedApiKey");

const CreateKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100).openapi({ example: "CRM Integration" }),
  description: z.string().trim().max(500).optional(),
  environment: z.enum(["production", "test"]),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1, "Give at least one scope, or omit `scopes` for all of them.")
    .optional()
    .openapi({ description: "Omit for every scope." }),
  expires_at: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "RFC 3339, in the future" }),
});

const RotateBody = z.strictObject({
  grace_period_seconds: z.number().int().min(0).max(86_400).default(0).openapi({
    description: "How long the old secret keeps working (default 0: it stops at once).",
  }),
});

const tags = ["API keys"];

const createKeyRoute = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags,
  summary: "Create an API key (admin session); the secret is returned once",
  description:
    "Admin session only (a key cannot mint keys). `key` in the answer is the full secret and is never shown again; no `scopes` means every scope.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: jsonBody(CreateKeyBody),
  responses: {
    201: jsonContent(IssuedKeySchema, "The key, with its secret shown once"),
    ...errorResponses(400, 401, 403, 413, 415, 422, 503),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags,
  summary: "List the account's live API keys, newest first",
  description:
    "Metadata only: prefix, masked secret, scopes, last use and whether rotation is due (older than 90 days).",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(ApiKeySchema), "A page of keys"),
    ...errorResponses(401, 403, 422),
  },
});

const getKeyRoute = createRoute({
  method: "get",
  path: "/v1/api-keys/{id}",
  operationId: "getApiKey",
  tags,
  summary: "Retrieve an API key's metadata",
  description: "Metadata only; the secret is never retrievable after creation.",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  request: { params: idParam("key") },
  responses: { 200: jsonContent(ApiKeySchema, "The key"), ...errorResponses(401, 403, 404) },
});

const rotateKeyRoute = createRoute({
  method: "post",
  path: "/v1/api-keys/{id}/rotate",
  operationId: "rotateApiKey",
  tags,
  summary: "Rotate: a new secret now; the old one stops at once or after a grace period",
  description:
    "Admins only. Returns the new secret once; the old one stops at once unless `grace_period_seconds` (up to 86400) keeps it working for a while.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { params: idParam("key"), ...jsonBody(RotateBody) },
  responses: {
    201: jsonContent(IssuedKeySchema, "The replacement key, with its secret shown once"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags,
  summary: "Revoke an API key: every later request with it gets 401",
  description: "Admins only. Revocation is global and immediate.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { params: idParam("key") },
  responses: {
    200: jsonContent(ApiKeySchema, "The revoked key"),
    ...errorResponses(401, 403, 404),
  },
});

function deps(c: Context<AppEnv>): KeyDeps {
  return { db: c.get("db"), env: c.env, services: c.get("services"), pepper: requirePepper(c.env) };
}

function actor(c: Context<AppEnv>) {
  const principal = principalOf(c);
  return {
    accountId: principal.accountId,
    userId: principal.kind === "session" ? principal.userId : null,
  };
}

function futureTime(iso: string | undefined, now: number): number | null {
  if (iso === undefined) return null;
  const at = Date.parse(iso);
  if (at <= now) {
    throw new ApiError("validation_failed", "The request body is invalid.", {
      details: [
        { path: "expires_at", message: "expires_at must be in the future.", code: "too_small" },
      ],
    });
  }
  return at;
}

export const apiKeyRoutes = createRouter()
  .openapi(createKeyRoute, async (c) => {
    const body = c.req.valid("json");
    const now = c.get("services").clock.now();
    const issued = await createKey(deps(c), actor(c), {
      name: body.name,
      description: body.description,
      environment: body.environment,
      scopes: [...new Set<Scope>(body.scopes ?? SCOPES)],
      expiresAt: futureTime(body.expires_at, now),
    });
    return c.json({ ...keyResource(issued.key, now), key: issued.secret }, 201);
  })
  .openapi(listKeysRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { accountId } = principalOf(c);
    const now = c.get("services").clock.now();
    const rows = await listKeys(c.get("db"), accountId, now, limit, cursor);
    const keys = await withPendingLastUsed(c.env, accountId, rows);
    return c.json(
      toPage(keys, limit, (key) => keyResource(key, now)),
      200,
    );
  })
  .openapi(getKeyRoute, async (c) => {
    const { accountId } = principalOf(c);
    const now = c.get("services").clock.now();
    const key = await getKey(c.get("db"), accountId, c.req.valid("param").id, now);
    const [withUse] = await withPendingLastUsed(c.env, accountId, [key]);
    return c.json(keyResource(withUse ?? key, now), 200);
  })
  .openapi(rotateKeyRoute, async (c) => {
    const now = c.get("services").clock.now();
    const issued = await rotateKey(
      deps(c),
      actor(c),
      c.req.valid("param").id,
      c.req.valid("json").grace_period_seconds,
    );
    return c.json({ ...keyResource(issued.key, now), key: issued.secret }, 201);
  })
  .openapi(revokeKeyRoute, async (c) => {
    const key = await revokeKey(deps(c), actor(c), c.req.valid("param").id);
    return c.json(keyResource(key, c.get("services").clock.now()), 200);
  });
