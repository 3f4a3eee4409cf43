import type { Context } from "hono";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { findSession, SESSION_COOKIE, type SessionContext } from "../auth/sessions";
import type { AppEnv } from "../http/context";
import { randomBytes } from "../lib/crypto";
import { toBase64 } from "../lib/encoding";
import { DashboardPage } from "./pages/dashboard";
import { LoginPage } from "./pages/login";
import { SignupPage } from "./pages/signup";

type PageContext = Context<AppEnv>;

async function currentSession(c: PageContext): Promise<SessionContext | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  return findSession(c.get("db"), token, c.get("services").clock.now());
}

/**
 * Pages carry a strict CSP: only inline code stamped with this response's nonce runs, and the page
 * can only talk to its own origin. Headers are set per page (not with `use("*")`), because this
 * router is mounted at "/" and its middleware would otherwise wrap the API as well.
 */
function page(c: PageContext, render: (nonce: string) => ReturnType<typeof LoginPage>) {
  const nonce = toBase64(randomBytes(16));
  c.header(
    "Content-Security-Policy",
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  c.header("X-Frame-Options", "DENY");
  c.header("Cache-Control", "no-store");
  return c.html(render(nonce));
}

/** The dashboard (SPEC §8): server-rendered pages whose inline scripts call the JSON API. */
export const uiRoutes = new Hono<AppEnv>()
  .get("/", async (c) => c.redirect((await currentSession(c)) ? "/dashboard" : "/login", 302))
  .get("/login", async (c) => {
    if (await currentSession(c)) return c.redirect("/dashboard", 302);
    const signupOpen = c.get("config").signupOpen;
    return page(c, (nonce) => <LoginPage nonce={nonce} signupOpen={signupOpen} />);
  })
  .get("/signup", async (c) => {
    if (await currentSession(c)) return c.redirect("/dashboard", 302);
    const signupOpen = c.get("config").signupOpen;
    return page(c, (nonce) => <SignupPage nonce={nonce} signupOpen={signupOpen} />);
  })
  .get("/dashboard", async (c) => {
    const session = await currentSession(c);
    if (!session) return c.redirect("/login", 302);
    const viewer = { user: session.user, account: session.account };
    return page(c, (nonce) => <DashboardPage nonce={nonce} viewer={viewer} />);
  });
