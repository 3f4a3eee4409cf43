import type { Context } from "hono";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { findAccount, isAncestor } from "../auth/hierarchy";
import { findSession, SESSION_COOKIE, type SessionContext } from "../auth/sessions";
import type { AppEnv } from "../http/context";
import { randomBytes } from "../lib/crypto";
import { toBase64 } from "../lib/encoding";
import { contentSecurityPolicy } from "./csp";
import { DashboardPage } from "./pages/dashboard";
import { DocsPage } from "./pages/docs";
import { LoginPage } from "./pages/login";
import { SignupPage } from "./pages/signup";

type PageContext = Context<AppEnv>;

async function currentSession(c: PageContext): Promise<SessionContext | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  return findSession(c.get("db"), token, c.get("services").clock.now());
}

/**
 * Pages carry a strict CSP (./csp.ts): only script tags stamped with this response's nonce run,
 * and the page can only talk to its own origin. Headers are set per page (not with `use("*")`),
 * because this router is mounted at "/" and its middleware would otherwise wrap the API as well.
 */
function page(
  c: PageContext,
  render: (nonce: string) => ReturnType<typeof LoginPage>,
  options: { nonceStyles?: boolean } = {},
) {
  const nonce = toBase64(randomBytes(16));
  c.header("Content-Security-Policy", contentSecurityPolicy(nonce, options));
  c.header("X-Frame-Options", "DENY");
  c.header("Cache-Control", "no-store");
  return c.html(render(nonce));
}

/** The dashboard (SPEC §8): server-rendered pages whose bundled modules call the JSON API. */
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
    // `?account=` acts in a sub-account, as the API's Switchboard-Account header does; anything
    // that is not a descendant of the user's own account just shows their own account.
    const wanted = c.req.query("account");
    let account = session.account;
    if (wanted && wanted !== account.id && /^acct_[0-9A-Za-z]{1,60}$/.test(wanted)) {
      const db = c.get("db");
      const found = (await isAncestor(db, account.id, wanted))
        ? await findAccount(db, wanted)
        : null;
      if (!found) return c.redirect("/dashboard", 302);
      account = found;
    }
    const viewer = { user: session.user, account, home: session.account };
    const settings = { allowPrivateWebhookUrls: c.get("config").allowPrivateWebhookUrls };
    return page(c, (nonce) => <DashboardPage nonce={nonce} viewer={viewer} settings={settings} />);
  })
  .get("/docs", (c) => page(c, (nonce) => <DocsPage nonce={nonce} />, { nonceStyles: true }));
