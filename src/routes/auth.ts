import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { type LoggedIn, login, signup } from "../auth/accounts";
import { findAccount } from "../auth/hierarchy";
import { accountResource, userResource } from "../auth/resources";
import { deleteSession, SESSION_COOKIE } from "../auth/sessions";
import { clientIp, refundAll, takeLoginSlots, takeSignupSlot } from "../auth/throttle";
import { ApiError } from "../errors";
import { principalOf, requireSession } from "../http/auth";
import type { AppEnv } from "../http/context";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { AccountSchema, Email, Password, UserSchema } from "./schemas";

const Me = z
  .object({
    user: UserSchema,
    account: AccountSchema.openapi({ description: "The user's own account." }),
    acting_account: AccountSchema.openapi({
      description:
        "The account this request acted in: the user's own, or the sub-account named by `Switchboard-Account`.",
    }),
  })
  .openapi("Me");

const signupRoute = createRoute({
  method: "post",
  path: "/v1/auth/signup",
  operationId: "signUp",
  tags: ["Auth"],
  summary: "Create an account and its first admin, and log in",
  description:
    "Creates the account and its first admin and sets the `sb_session` cookie. Refused with 403 when `SIGNUP=closed`. Limited to `SIGNUPS_PER_HOUR_PER_IP` attempts per client IP per hour: 429 `rate_limited` with `Retry-After`, before any work is done.",
  security: [],
  request: jsonBody(
    z.object({ account_name: z.string().trim().min(1).max(100), email: Email, password: Password }),
  ),
  responses: {
    201: jsonContent(Me, "Account created; the session cookie is set"),
    ...errorResponses(400, 403, 409, 413, 415, 422, 429, 503),
  },
});

const loginRoute = createRoute({
  method: "post",
  path: "/v1/auth/login",
  operationId: "logIn",
  tags: ["Auth"],
  summary: "Log in with email and password",
  description:
    "Sets the `sb_session` cookie. Failed attempts are limited to `LOGIN_ATTEMPTS_PER_MINUTE` per client IP and per e-mail per minute; over the limit every attempt, even with the right password, gets 429 `rate_limited` with `Retry-After` until the window frees.",
  security: [],
  request: jsonBody(z.object({ email: Email, password: z.string().min(1).max(256) })),
  responses: {
    200: jsonContent(Me, "Logged in; the session cookie is set"),
    ...errorResponses(400, 401, 413, 415, 422, 429, 503),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/v1/auth/logout",
  operationId: "logOut",
  tags: ["Auth"],
  summary: "End the current session",
  description: "Deletes the session and clears its cookie.",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  responses: { 204: { description: "Logged out" }, ...errorResponses(401, 403) },
});

const meRoute = createRoute({
  method: "get",
  path: "/v1/me",
  operationId: "getMe",
  tags: ["Auth"],
  summary: "The logged-in user and their account",
  description: "Dashboard sessions only; an API key asks `GET /v1/account` instead.",
  security: [{ session: [] }],
  middleware: [requireSession] as const,
  responses: { 200: jsonContent(Me, "The current user"), ...errorResponses(401, 403, 404) },
});

function startSession(c: Context<AppEnv>, loggedIn: LoggedIn) {
  setCookie(c, SESSION_COOKIE, loggedIn.token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    expires: new Date(loggedIn.expiresAt),
  });
  const account = accountResource(loggedIn.account);
  return { user: userResource(loggedIn.user), account, acting_account: account };
}

export const authRoutes = createRouter()
  .openapi(signupRoute, async (c) => {
    if (!c.get("config").signupOpen) {
      throw new ApiError(
        "signup_closed",
        "Signup is closed on this deployment; ask an admin to add you.",
      );
    }
    const body = c.req.valid("json");
    await takeSignupSlot(
      c.env,
      clientIp(c.req.header("cf-connecting-ip")),
      c.get("services").clock.now(),
      c.get("config").signupsPerHourPerIp,
    );
    const loggedIn = await signup(
      c.get("db"),
      c.get("services"),
      { accountName: body.account_name, email: body.email, password: body.password },
      c.get("config").sessionTtlSeconds,
    );
    return c.json(startSession(c, loggedIn), 201);
  })
  .openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    const taken = await takeLoginSlots(
      c.env,
      clientIp(c.req.header("cf-connecting-ip")),
      email,
      c.get("services").clock.now(),
      c.get("config").loginAttemptsPerMinute,
    );
    const loggedIn = await login(
      c.get("db"),
      c.get("services"),
      email,
      password,
      c.get("config").sessionTtlSeconds,
    );
    // Only failed log-ins count: a success gives its slots back.
    await refundAll(c.env, taken);
    return c.json(startSession(c, loggedIn), 200);
  })
  .openapi(logoutRoute, async (c) => {
    const session = c.get("session");
    if (session) await deleteSession(c.get("db"), session.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => {
    const session = c.get("session")!;
    const actingId = principalOf(c).accountId;
    const acting =
      actingId === session.account.id ? session.account : await findAccount(c.get("db"), actingId);
    return c.json(
      {
        user: userResource(session.user),
        account: accountResource(session.account),
        acting_account: accountResource(acting ?? session.account),
      },
      200,
    );
  });
