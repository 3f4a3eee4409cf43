import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { accountResource } from "../auth/resources";
import { accounts } from "../db/schema";
import { notFound } from "../errors";
import { principalOf } from "../http/auth";
import { createRouter, errorResponses, jsonContent } from "../http/router";
import { AccountSchema } from "./schemas";

const Whoami = z
  .object({
    account: AccountSchema,
    credential: z.object({
      type: z.enum(["session", "api_key"]),
      id: z
        .string()
        .openapi({ description: "The user id for a session, the key id for an API key" }),
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
    "Works with any valid credential, so a client can check which account and mode (live or test) a key acts in.",
  responses: { 200: jsonContent(Whoami, "Who you are"), ...errorResponses(401, 429, 503) },
});

export const accountRoutes = createRouter().openapi(accountRoute, async (c) => {
  const principal = principalOf(c);
  const rows = await c
    .get("db")
    .select()
    .from(accounts)
    .where(eq(accounts.id, principal.accountId))
    .limit(1);
  const account = rows[0];
  if (!account) throw notFound("account");
  return c.json(
    {
      account: accountResource(account),
      credential: {
        type: principal.kind,
        id: principal.kind === "session" ? principal.userId : principal.keyId,
        livemode: principal.livemode,
        scopes: [...principal.scopes],
      },
    },
    200,
  );
});
