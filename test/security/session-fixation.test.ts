import { describe, expect, it } from "vitest";
import { call, expectError, json, PASSWORD, sessionCookie, signup, unique } from "../helpers";

/**
 * Session fixation: an attacker who plants a session cookie in the victim's browser (a sibling
 * subdomain, an injected Set-Cookie) must not end up sharing the victim's session. The server
 * never adopts a token it did not mint, and every login mints a new one.
 */
const PLANTED = "sb_session=attacker-chosen-token-0123456789abcdef";

describe("session fixation", () => {
  it("a login that arrives with a planted cookie gets a fresh token; the planted one stays dead", async () => {
    const account = await signup();
    const response = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
      cookie: PLANTED,
    });
    expect(response.status).toBe(200);
    const issued = sessionCookie(response);
    expect(issued).not.toBe(PLANTED);
    expect(issued).not.toContain("attacker-chosen");
    await expectError(await call("/v1/me", { cookie: PLANTED }), 401);
    expect((await call("/v1/me", { cookie: issued })).status).toBe(200);
  });

  it("a sign-up with a planted cookie also gets a fresh token", async () => {
    const response = await call("/v1/auth/signup", {
      body: {
        account_name: unique("Fixation "),
        email: `${unique("fix")}@example.com`,
        password: PASSWORD,
      },
      cookie: PLANTED,
    });
    expect(response.status).toBe(201);
    expect(sessionCookie(response)).not.toContain("attacker-chosen");
  });

  it("logging in again never reuses the session the browser already has", async () => {
    const account = await signup();
    const again = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
      cookie: account.cookie,
    });
    expect(again.status).toBe(200);
    expect(sessionCookie(again)).not.toBe(account.cookie);
    // Logging out the old one leaves the new one working: they are distinct server-side rows.
    const out = await call("/v1/auth/logout", { method: "POST", cookie: account.cookie });
    expect(out.status).toBe(204);
    expect((await call("/v1/me", { cookie: sessionCookie(again) })).status).toBe(200);
  });

  it("the cookie is HttpOnly, Secure and SameSite, so script and cross-site requests can't carry it off", async () => {
    const account = await signup();
    const response = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    const header = response.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/Secure/i);
    expect(header).toMatch(/SameSite=(Lax|Strict)/i);
    expect((await json(response)).user.email).toBe(account.email);
  });
});
