import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import {
  addMember,
  call,
  countRows,
  expectError,
  json,
  ORIGIN,
  PASSWORD,
  sessionCookie,
  signup,
  unique,
} from "../helpers";
import { harness } from "../http/harness";

const tokenOf = (cookie: string) => cookie.slice("sb_session=".length);

const sessionRow = (tokenHash: string) =>
  env.DB.prepare("select * from sessions where token_hash = ?").bind(tokenHash).first();

describe("GET /v1/me", () => {
  it("returns the logged-in user and account", async () => {
    const account = await signup();
    const response = await call("/v1/me", { cookie: account.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await json(response);
    expect(body.user).toEqual({
      id: account.userId,
      email: account.email,
      role: "admin",
      account_id: account.accountId,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect(body.account).toEqual({
      id: account.accountId,
      name: expect.any(String),
      slug: account.slug,
      parent_account_id: null,
      help_text: null,
      created_at: expect.stringMatching(/Z$/),
    });
    expect(body.acting_account).toEqual(body.account);
  });

  it("shows a member their own identity and role", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    const body = await json(await call("/v1/me", { cookie: member.cookie }));
    expect(body.user).toMatchObject({ id: member.userId, role: "member" });
    expect(body.account.id).toBe(admin.accountId);
  });

  it("needs a session: 401 without a cookie", async () => {
    await expectError(await call("/v1/me"), 401, "unauthorized");
  });

  it("401s for malformed, unknown and forged session tokens", async () => {
    const account = await signup();
    const real = tokenOf(account.cookie);
    const forged = `${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`;
    for (const cookie of [
      "sb_session=",
      "sb_session=garbage",
      `sb_session=sbs_${"A".repeat(43)}`,
      `sb_session=${forged}`,
      `other=${real}`,
    ]) {
      await expectError(await call("/v1/me", { cookie }), 401, "unauthorized");
    }
  });

  it("does not accept the stored token hash as a token", async () => {
    const account = await signup();
    const hash = await sha256Hex(tokenOf(account.cookie));
    expect(await sessionRow(hash)).not.toBeNull();
    await expectError(await call("/v1/me", { cookie: `sb_session=${hash}` }), 401);
  });

  it("ignores the cookie when an Authorization header is sent (keys never ride on cookies)", async () => {
    const account = await signup();
    await expectError(
      await call("/v1/me", { cookie: account.cookie, bearer: "sk_test_not_a_real_key" }),
      401,
    );
  });
});

describe("session storage", () => {
  it("stores only the SHA-256 of the token, with the user, account and expiry", async () => {
    const h = harness({ vars: { SESSION_TTL_SECONDS: "7200" } });
    const account = await h.signup();
    const token = tokenOf(account.cookie);
    expect(token).toMatch(/^sbs_[A-Za-z0-9_-]{43}$/);
    const row = await sessionRow(await sha256Hex(token));
    expect(row).toMatchObject({
      user_id: account.userId,
      account_id: account.accountId,
      created_at: h.clock.now(),
      expires_at: h.clock.now() + 7_200_000,
    });
    expect(row?.id).toMatch(/^sess_/);
    const leaked = await env.DB.prepare(
      "select count(*) as n from sessions where token_hash = ? or id = ?",
    )
      .bind(token, token)
      .first<{ n: number }>();
    expect(leaked?.n).toBe(0);
  });

  it("gives every session its own random token", async () => {
    const account = await signup();
    const tokens = new Set<string>([tokenOf(account.cookie)]);
    for (let i = 0; i < 5; i++) {
      const login = await call("/v1/auth/login", {
        body: { email: account.email, password: PASSWORD },
      });
      tokens.add(tokenOf(sessionCookie(login)));
    }
    expect(tokens.size).toBe(6);
  });
});

describe("session expiry (manual clock)", () => {
  it("is valid until its expiry and 401 from then on", async () => {
    const h = harness({ vars: { SESSION_TTL_SECONDS: "3600" } });
    const account = await h.signup();
    expect((await h.send("/v1/me", { cookie: account.cookie })).status).toBe(200);

    h.clock.advance(3_600_000 - 1);
    expect((await h.send("/v1/me", { cookie: account.cookie })).status).toBe(200);

    h.clock.advance(1);
    await expectError(await h.send("/v1/me", { cookie: account.cookie }), 401, "unauthorized");
    h.clock.advance(86_400_000);
    await expectError(await h.send("/v1/me", { cookie: account.cookie }), 401, "unauthorized");
  });

  it("uses the 7-day default TTL", async () => {
    const h = harness();
    const account = await h.signup();
    h.clock.advance(7 * 86_400_000 - 1_000);
    expect((await h.send("/v1/me", { cookie: account.cookie })).status).toBe(200);
    h.clock.advance(1_000);
    await expectError(await h.send("/v1/me", { cookie: account.cookie }), 401);
  });

  it("an expired session cannot log out, list users or add users", async () => {
    const h = harness({ vars: { SESSION_TTL_SECONDS: "60" } });
    const account = await h.signup();
    h.clock.advance(61_000);
    const usersBefore = await countRows("users");
    await expectError(
      await h.send("/v1/auth/logout", { method: "POST", cookie: account.cookie }),
      401,
    );
    await expectError(await h.send("/v1/users", { cookie: account.cookie }), 401);
    await expectError(
      await h.send("/v1/users", {
        cookie: account.cookie,
        body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
      }),
      401,
    );
    expect(await countRows("users")).toBe(usersBefore);
  });

  it("a fresh login after expiry works again", async () => {
    const h = harness({ vars: { SESSION_TTL_SECONDS: "60" } });
    const account = await h.signup();
    h.clock.advance(120_000);
    await expectError(await h.send("/v1/me", { cookie: account.cookie }), 401);
    const login = await h.send("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect((await h.send("/v1/me", { cookie: sessionCookie(login) })).status).toBe(200);
  });
});

describe("POST /v1/auth/logout", () => {
  it("destroys the session row, clears the cookie and answers 204", async () => {
    const account = await signup();
    const hash = await sha256Hex(tokenOf(account.cookie));
    expect(await sessionRow(hash)).not.toBeNull();
    const response = await call("/v1/auth/logout", { method: "POST", cookie: account.cookie });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^sb_session=;/);
    expect(setCookie).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect(await sessionRow(hash)).toBeNull();
    await expectError(await call("/v1/me", { cookie: account.cookie }), 401);
  });

  it("a replayed logout with the old cookie is 401", async () => {
    const account = await signup();
    expect((await call("/v1/auth/logout", { method: "POST", cookie: account.cookie })).status).toBe(
      204,
    );
    await expectError(
      await call("/v1/auth/logout", { method: "POST", cookie: account.cookie }),
      401,
      "unauthorized",
    );
  });

  it("ends only this session; the user's other sessions stay valid", async () => {
    const account = await signup();
    const other = sessionCookie(
      await call("/v1/auth/login", { body: { email: account.email, password: PASSWORD } }),
    );
    const before = await countRows("sessions");
    expect((await call("/v1/auth/logout", { method: "POST", cookie: account.cookie })).status).toBe(
      204,
    );
    expect(await countRows("sessions")).toBe(before - 1);
    expect((await call("/v1/me", { cookie: other })).status).toBe(200);
  });

  it("needs a session: 401 without one", async () => {
    await expectError(await call("/v1/auth/logout", { method: "POST" }), 401, "unauthorized");
  });

  it("GET is not a logout (404) and leaves the session alone", async () => {
    const account = await signup();
    await expectError(await call("/v1/auth/logout", { cookie: account.cookie }), 404);
    expect((await call("/v1/me", { cookie: account.cookie })).status).toBe(200);
  });
});

describe("CSRF: cookie-authenticated mutations need our Origin", () => {
  const foreignOrigins = [
    "https://evil.example",
    "null",
    "http://switchboard.test",
    `${ORIGIN}.evil.example`,
  ];

  it("refuses a cookie logout from a foreign Origin, keeping the session", async () => {
    const account = await signup();
    const before = await countRows("sessions");
    for (const origin of foreignOrigins) {
      await expectError(
        await call("/v1/auth/logout", { method: "POST", cookie: account.cookie, origin }),
        403,
        "csrf_rejected",
      );
    }
    expect(await countRows("sessions")).toBe(before);
    expect((await call("/v1/me", { cookie: account.cookie })).status).toBe(200);
  });

  it("refuses a cookie logout with no Origin at all", async () => {
    const account = await signup();
    await expectError(
      await call("/v1/auth/logout", { method: "POST", cookie: account.cookie, origin: null }),
      403,
      "csrf_rejected",
    );
    await expectError(
      await call("/v1/auth/logout", {
        method: "POST",
        cookie: account.cookie,
        origin: null,
        headers: { "sec-fetch-site": "cross-site" },
      }),
      403,
      "csrf_rejected",
    );
    expect((await call("/v1/me", { cookie: account.cookie })).status).toBe(200);
  });

  it("accepts a same-origin request that only sends Sec-Fetch-Site: same-origin", async () => {
    const account = await signup();
    const response = await call("/v1/auth/logout", {
      method: "POST",
      cookie: account.cookie,
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(response.status).toBe(204);
  });

  it("refuses cookie POST /v1/users from a foreign or missing Origin and writes nothing", async () => {
    const admin = await signup();
    const before = await countRows("users");
    for (const origin of [...foreignOrigins, null]) {
      await expectError(
        await call("/v1/users", {
          cookie: admin.cookie,
          origin,
          body: { email: `${unique()}@example.com`, role: "admin", password: PASSWORD },
        }),
        403,
        "csrf_rejected",
      );
    }
    expect(await countRows("users")).toBe(before);
  });

  it("refuses cookie PATCH /v1/users/{id} without our Origin and changes nothing", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    for (const origin of ["https://evil.example", null]) {
      await expectError(
        await call(`/v1/users/${member.userId}`, {
          method: "PATCH",
          cookie: admin.cookie,
          origin,
          body: { role: "admin" },
        }),
        403,
        "csrf_rejected",
      );
    }
    const me = await json(await call("/v1/me", { cookie: member.cookie }));
    expect(me.user.role).toBe("member");
  });

  it("lets reads through whatever the Origin (GET is not a mutation)", async () => {
    const account = await signup();
    const response = await call("/v1/me", {
      cookie: account.cookie,
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(200);
  });
});
