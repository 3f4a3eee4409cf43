import { createRoute, z } from "@hono/zod-openapi";
import { userResource } from "../auth/resources";
import { addUser, changeRole, listUsers, removeUser } from "../auth/users";
import { principalOf, requireAdmin, requireSession } from "../http/auth";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { Email, idParam, Password, UserSchema } from "./schemas";

const Role = z.enum(["admin", "member"]);

const createUserRoute = createRoute({
  method: "post",
  path: "/v1/users",
  operationId: "createUser",
  tags: ["Users"],
  summary: "Add a user to the account (admin)",
  description: "Admins only, from a session. The new user logs in with the given password.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: jsonBody(z.object({ email: Email, role: Role, password: Password })),
  responses: {
    201: jsonContent(UserSchema, "The new user"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const listUsersRoute = createRoute({
  method: "get",
  path: "/v1/users",
  operationId: "listUsers",
  tags: ["Users"],
  summary: "List the account's users, newest first",
  description: "Any logged-in user of the account; paginated with `limit` and `cursor`.",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(UserSchema), "A page of users"),
    ...errorResponses(401, 403, 422),
  },
});

const updateUserRoute = createRoute({
  method: "patch",
  path: "/v1/users/{id}",
  operationId: "updateUser",
  tags: ["Users"],
  summary: "Change a user's role (admin)",
  description: "Admins only. The last admin of an account cannot be demoted (409).",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { params: idParam("usr"), ...jsonBody(z.object({ role: Role })) },
  responses: {
    200: jsonContent(UserSchema, "The updated user"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const deleteUserRoute = createRoute({
  method: "delete",
  path: "/v1/users/{id}",
  operationId: "deleteUser",
  tags: ["Users"],
  summary: "Remove a user from the account (admin)",
  description:
    "Admins only. The user's sessions end at once. The last admin of an account cannot be removed (409).",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { params: idParam("usr") },
  responses: {
    200: jsonContent(z.object({ id: z.string(), deleted: z.literal(true) }), "Removed"),
    ...errorResponses(401, 403, 404, 409),
  },
});

export const userRoutes = createRouter()
  .openapi(createUserRoute, async (c) => {
    const user = await addUser(
      c.get("db"),
      c.get("services"),
      principalOf(c).accountId,
      c.req.valid("json"),
    );
    return c.json(userResource(user), 201);
  })
  .openapi(listUsersRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await listUsers(c.get("db"), principalOf(c).accountId, limit, cursor);
    return c.json(toPage(rows, limit, userResource), 200);
  })
  .openapi(updateUserRoute, async (c) => {
    const user = await changeRole(
      c.get("db"),
      c.get("services"),
      principalOf(c).accountId,
      c.req.valid("param").id,
      c.req.valid("json").role,
    );
    return c.json(userResource(user), 200);
  })
  .openapi(deleteUserRoute, async (c) => {
    const user = await removeUser(c.get("db"), principalOf(c).accountId, c.req.valid("param").id);
    return c.json({ id: user.id, deleted: true as const }, 200);
  });
