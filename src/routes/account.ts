import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { findAccount } from "../auth/hierarchy";
import { accountResource } from "../auth/resources";
import { accounts } from "../db/schema";
import { accountObject } from "../durable/stubs";
import { ApiError, notFound } from "../errors";
import { principalOf, requireAdmin } from "../http/auth";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { AccountSchema } from "./schemas";

const Whoami = z
  .object({
    account: AccountSchema.openapi({
      description: "The account the request acted in (a sub-account with Switchboard-Account).",
    }),
    credential: z.object({
      type: z.enum(["session", "api_key"]),
      id: z
        .string()
        .openapi({ description: "The user id for a session, the key id for an API key" }),
      account_id: z
        .string()
        .openapi({ description: "The account the credential belongs to (may be an ancestor)." }),
      livemode: z.boolean(),
      scopes: z.array(z.string()),
    }),
  })
  .openapi("Whoami");

const accountRoute = createRoute({
  method: "get",
  path: "/v1/account",
  operationId: "getAccount",
  tags: ["Account"],
  summary: "The account and credential a request authenticates as (any valid key or session)",
  description:
    "Works with any valid credential, so a client can check which account and mode (live or test) a key acts in. With `Switchboard-Account`, `account` is the sub-account acted in and `credential.account_id` the caller's own.",
  responses: { 200: jsonContent(Whoami, "Who you are"), ...errorResponses(401, 404, 429, 503) },
});

const updateAccountRoute = createRoute({
  method: "patch",
  path: "/v1/account",
  operationId: "updateAccount",
  tags: ["Account"],
  summary: "Change the account's name or HELP reply (admin)",
  description:
    "Admins only, from a session. `help_text` is sent automatically to whoever texts HELP or INFO to one of the account's numbers (null restores the default text).",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: jsonBody(
    z
      .object({
        name: z.string().trim().min(1).max(100).optional(),
        help_text: z.string().trim().min(1).max(320).nullable().optional(),
      })
      .strict(),
  ),
  responses: {
    200: jsonContent(AccountSchema, "The updated account"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 503),
  },
});

export const accountRoutes = createRouter()
  .openapi(accountRoute, async (c) => {
    const principal = principalOf(c);
    const account = await findAccount(c.get("db"), principal.accountId);
    if (!account) throw notFound("account");
    return c.json(
      {
        account: accountResource(account),
        credential: {
          type: principal.kind,
          id: principal.kind === "session" ? principal.userId : principal.keyId,
          account_id: c.get("credentialAccountId") ?? principal.accountId,
          livemode: principal.livemode,
          scopes: [...principal.scopes],
        },
      },
      200,
    );
  })
  .openapi(updateAccountRoute, async (c) => {
    const accountId = principalOf(c).accountId;
    const patch = c.req.valid("json");
    const account = await findAccount(c.get("db"), accountId);
    if (!account) throw notFound("account");
    if (patch.help_text !== undefined) {
      // The object answers HELP from its own copy; it is told first so D1 never runs ahead.
      try {
        await accountObject(c.env, accountId).setHelpText(accountId, patch.help_text);
      } catch {
        throw new ApiError("unavailable", "The account is briefly unavailable; retry shortly.", {
          headers: { "Retry-After": "1" },
        });
      }
    }
    const changes = {
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.help_text === undefined ? {} : { helpText: patch.help_text }),
    };
    if (Object.keys(changes).length > 0) {
      await c.get("db").update(accounts).set(changes).where(eq(accounts.id, accountId));
    }
    return c.json(accountResource({ ...account, ...changes }), 200);
  });
