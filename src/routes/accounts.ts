import { createRoute, z } from "@hono/zod-openapi";
import {
  createSubAccount,
  descendantOf,
  findAccount,
  listSubAccounts,
  renameAccount,
} from "../auth/hierarchy";
import { accountResource } from "../auth/resources";
import { notFound } from "../errors";
import { principalOf, requireAdmin, requireSession } from "../http/auth";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { AccountSchema, idParam } from "./schemas";

const tags = ["Account"];
const Name = z.string().trim().min(1).max(100).openapi({ example: "Pupstar West" });

const createSubRoute = createRoute({
  method: "post",
  path: "/v1/accounts",
  operationId: "createSubAccount",
  tags,
  summary: "Create a sub-account below the current account (admin)",
  description:
    "Admins only, from a session. The new account gets its own slug and `parent_account_id` = the account the request acts in, so sub-accounts nest to any depth. An account may have at most `MAX_SUBACCOUNTS_PER_ACCOUNT` direct sub-accounts (`422 limit_reached`). Act in it with `Switchboard-Account: <id>`.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: jsonBody(z.object({ name: Name }).strict()),
  responses: {
    201: jsonContent(AccountSchema, "The new sub-account"),
    ...errorResponses(400, 401, 403, 413, 415, 422, 503),
  },
});

const listSubRoute = createRoute({
  method: "get",
  path: "/v1/accounts",
  operationId: "listSubAccounts",
  tags,
  summary: "List the account's direct sub-accounts, newest first",
  description: "Any logged-in user of the account; paginated with `limit` and `cursor`.",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(AccountSchema), "A page of sub-accounts"),
    ...errorResponses(401, 403, 422),
  },
});

const getSubRoute = createRoute({
  method: "get",
  path: "/v1/accounts/{id}",
  operationId: "getSubAccount",
  tags,
  summary: "Read a sub-account (any depth below)",
  description:
    "Any logged-in user of an ancestor account. The account itself, its parent or a sibling are 404, as is an unknown id.",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  request: { params: idParam("acct") },
  responses: {
    200: jsonContent(AccountSchema, "The sub-account"),
    ...errorResponses(401, 403, 404),
  },
});

const renameSubRoute = createRoute({
  method: "patch",
  path: "/v1/accounts/{id}",
  operationId: "updateSubAccount",
  tags,
  summary: "Rename a sub-account (admin)",
  description: "Admins of an ancestor account only. The slug stays as it was.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { params: idParam("acct"), ...jsonBody(z.object({ name: Name }).strict()) },
  responses: {
    200: jsonContent(AccountSchema, "The renamed sub-account"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
  },
});

export const subAccountRoutes = createRouter()
  .openapi(createSubRoute, async (c) => {
    const parent = await findAccount(c.get("db"), principalOf(c).accountId);
    if (!parent) throw notFound("account");
    const account = await createSubAccount(
      {
        db: c.get("db"),
        env: c.env,
        services: c.get("services"),
        maxChildren: c.get("config").maxSubaccountsPerAccount,
      },
      parent,
      c.req.valid("json").name,
    );
    return c.json(accountResource(account), 201);
  })
  .openapi(listSubRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await listSubAccounts(c.get("db"), principalOf(c).accountId, limit, cursor);
    return c.json(toPage(rows, limit, accountResource), 200);
  })
  .openapi(getSubRoute, async (c) => {
    const account = await descendantOf(
      c.get("db"),
      principalOf(c).accountId,
      c.req.valid("param").id,
    );
    return c.json(accountResource(account), 200);
  })
  .openapi(renameSubRoute, async (c) => {
    const db = c.get("db");
    const account = await descendantOf(db, principalOf(c).accountId, c.req.valid("param").id);
    return c.json(accountResource(await renameAccount(db, account, c.req.valid("json").name)), 200);
  });
