import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { type Scope, scopesForRole } from "../auth/scopes";
import { findSession, SESSION_COOKIE } from "../auth/sessions";
import { ApiError } from "../errors";
import { authorizeClaim, resolveKeyClaim } from "../keys/authenticate";
import { applyActingAccount } from "./acting";
import type { AppEnv } from "./context";
import { isLedgerPath } from "./ledger";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cookie-authenticated mutations must prove they come from our own pages. Browsers always send
 * `Origin` on cross-site POSTs, so a missing or foreign origin on a cookie request is refused; a
 * foreign origin is refused on any request (that also stops login CSRF).
 */
function assertSameOrigin(request: Request, cookieAuthenticated: boolean): void {
  if (!MUTATING.has(request.method)) return;
  const origin = request.headers.get("origin");
  const own = new URL(request.url).origin;
  if (origin !== null && origin !== own) {
    throw new ApiError("csrf_rejected", "Cross-origin request refused.");
  }
  if (
    cookieAuthenticated &&
    origin === null &&
    request.headers.get("sec-fetch-site") !== "same-origin"
  ) {
    throw new ApiError(
      "csrf_rejected",
      "Cookie-authenticated changes must come from the dashboard (Origin header required).",
    );
  }
}

/**
 * Resolves the caller: an `Authorization` header means an API key, otherwise the session cookie.
 * On ledger routes the key is only resolved here and checked inside the one account-object call
 * the route makes (`src/http/ledger.ts`); everywhere else it is checked now.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const authorization = c.req.header("authorization");
  assertSameOrigin(c.req.raw, token !== undefined && authorization === undefined);
  if (authorization !== undefined) {
    const claim = await resolveKeyClaim(c.env, authorization);
    if (isLedgerPath(c.req.path)) {
      c.set("keyClaim", claim);
    } else {
      const { clock } = c.get("services");
      const limit = c.get("config").apiKeyRateLimitPerMinute;
      c.set("principal", await authorizeClaim(c.env, claim, clock.now(), limit));
    }
  } else if (token) {
    const session = await findSession(c.get("db"), token, c.get("services").clock.now());
    if (session) {
      c.set("session", session);
      c.set("principal", {
        kind: "session",
        accountId: session.account.id,
        userId: session.user.id,
        role: session.user.role,
        sessionId: session.sessionId,
        scopes: scopesForRole(session.user.role),
        livemode: true,
      });
    }
  }
  await applyActingAccount(c, settleKeyClaim);
  return next();
});

function requirePrincipal(c: { get(key: "principal"): AppEnv["Variables"]["principal"] }) {
  const principal = c.get("principal");
  if (!principal) {
    throw new ApiError(
      "unauthorized",
      "Authentication required: log in, or send `Authorization: Bearer <api key>`.",
    );
  }
  return principal;
}

/** Dashboard-only routes: a logged-in person, never an API key. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  await settleKeyClaim(c);
  const principal = requirePrincipal(c);
  if (principal.kind !== "session") {
    throw new ApiError("forbidden", "This route needs a logged-in user; API keys cannot use it.");
  }
  return next();
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  await settleKeyClaim(c);
  const principal = requirePrincipal(c);
  if (principal.kind !== "session") {
    throw new ApiError("forbidden", "This route needs a logged-in admin; API keys cannot use it.");
  }
  if (principal.role !== "admin") {
    throw new ApiError("forbidden", "Only account admins can do this.");
  }
  return next();
});

/**
 * Checks a key that `authenticate` left for the ledger call, for the error paths and the few
 * routes under ledger paths that need the principal before any ledger call.
 */
export async function settleKeyClaim(c: Context<AppEnv>): Promise<void> {
  const claim = c.get("keyClaim");
  if (!claim) return;
  c.set("keyClaim", undefined);
  const { clock } = c.get("services");
  const limit = c.get("config").apiKeyRateLimitPerMinute;
  c.set("principal", await authorizeClaim(c.env, claim, clock.now(), limit));
}

/**
 * Sessions carry their role's scopes and keys their granted ones, so one check covers both. A key
 * left for the ledger is checked (scope included) by the account object in the route's one call.
 */
export const requireScope = (scope: Scope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("keyClaim")) return next();
    const principal = requirePrincipal(c);
    if (!principal.scopes.has(scope)) {
      throw new ApiError(
        "insufficient_scope",
        principal.kind === "session"
          ? `Only account admins can do this (needs ${scope}).`
          : `This API key lacks the \`${scope}\` scope.`,
        { details: { missing_scope: scope } },
      );
    }
    return next();
  });

export function principalOf(c: { get(key: "principal"): AppEnv["Variables"]["principal"] }) {
  return requirePrincipal(c);
}
