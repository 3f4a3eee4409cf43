import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  countRows,
  expectError,
  json,
  PASSWORD,
  sessionCookie,
  signup,
  unique,
} from "../helpers";
import { harness } from "../http/harness";

const sessionsOf = async (userId: string) =>
  (
    await env.DB.prepare("select count(*) as n from sessions where user_id = ?")
      .bind(userId)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("login", () => {
  it("logs in with email and password and sets a secure session cookie", async () => {
    const account = await signup();
    const before = await sessionsOf(account.userId);
    const response = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.user).toMatchObject({
      id: account.userId,
      email: account.email,
      role: "admin",
      account_id: account.accountId,
    });
    expect(body.account).toMatchObject({ id: account.accountId, slug: account.slug });
    expect(body.user).not.toHaveProperty("password_hash");
    expect(JSON.stringify(body)).not.toContain("pbkdf2");

    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^sb_session=sbs_[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    expect(setCookie).toMatch(/;\s*Expires=/i);
    expect(await sessionsOf(account.userId)).toBe(before + 1);

    const me = await call("/v1/me", { cookie: sessionCookie(response) });
    expect(me.status).toBe(200);
    expect((await json(me)).user.id).toBe(account.userId);
  });

  it("treats the email case-insensitively", async () => {
    const account = await signup();
    const response = await call("/v1/auth/login", {
      body: { email: account.email.toUpperCase(), password: PASSWORD },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).user.id).toBe(account.userId);
  });

  it("issues a new, distinct session on every login; earlier sessions stay valid", async () => {
    const account = await signup();
    const first = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    const second = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    const a = sessionCookie(first);
    const b = sessionCookie(second);
    expect(a).not.toBe(b);
    expect(a).not.toBe(account.cookie);
    for (const cookie of [account.cookie, a, b]) {
      expect((await call("/v1/me", { cookie })).status).toBe(200);
    }
  });

  it("works for a user an admin added, with that user's role", async () => {
    const admin = await signup();
    const email = `${unique("added")}@example.com`;
    const added = await call("/v1/users", {
      cookie: admin.cookie,
      body: { email, role: "member", password: "another good password" },
    });
    expect(added.status).toBe(201);
    const response = await call("/v1/auth/login", {
      body: { email, password: "another good password" },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.user).toMatchObject({ email, role: "member", account_id: admin.accountId });
  });

  it("sets the cookie's expiry to the session TTL from now", async () => {
    const h = harness({ vars: { SESSION_TTL_SECONDS: "3600" } });
    const account = await h.signup();
    h.clock.advance(10_000);
    const response = await h.send("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    expect(response.status).toBe(200);
    const expires = /Expires=([^;]+)/i.exec(response.headers.get("set-cookie") ?? "")?.[1];
    expect(new Date(expires ?? "").getTime()).toBe(h.clock.now() + 3_600_000);
    const row = await env.DB.prepare(
      "select expires_at from sessions where user_id = ? order by created_at desc limit 1",
    )
      .bind(account.userId)
      .first<{ expires_at: number }>();
    expect(row?.expires_at).toBe(h.clock.now() + 3_600_000);
  });

  it("still works when signup is closed", async () => {
    const account = await signup();
    const h = harness({ vars: { SIGNUP: "closed" } });
    const response = await h.send("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
    });
    expect(response.status).toBe(200);
  });
});

describe("login errors", () => {
  it("refuses a wrong password with 401 and creates no session", async () => {
    const account = await signup();
    const before = await countRows("sessions");
    const error = await expectError(
      await call("/v1/auth/login", {
        body: { email: account.email, password: "wrong password!!" },
      }),
      401,
      "invalid_credentials",
    );
    expect(error.message).toBe("Email or password is incorrect.");
    expect(await countRows("sessions")).toBe(before);
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    const account = await signup();
    const wrongPassword = await call("/v1/auth/login", {
      body: { email: account.email, password: "wrong password!!" },
    });
    const before = await countRows("sessions");
    const unknownEmail = await call("/v1/auth/login", {
      body: { email: `${unique("nobody")}@example.com`, password: PASSWORD },
    });
    expect(await countRows("sessions")).toBe(before);
    const a = await expectError(wrongPassword, 401, "invalid_credentials");
    const b = await expectError(unknownEmail, 401, "invalid_credentials");
    expect(b.message).toBe(a.message);
    expect(b.details).toEqual(a.details);
    expect(unknownEmail.headers.get("set-cookie")).toBeNull();
    expect(wrongPassword.headers.get("set-cookie")).toBeNull();
  });

  it("does not accept the password hash or a case-changed password", async () => {
    const account = await signup();
    const row = await env.DB.prepare("select password_hash from users where id = ?")
      .bind(account.userId)
      .first<{ password_hash: string }>();
    for (const password of [row!.password_hash, PASSWORD.toUpperCase(), `${PASSWORD} `]) {
      await expectError(
        await call("/v1/auth/login", { body: { email: account.email, password } }),
        401,
        "invalid_credentials",
      );
    }
  });

  it("refuses missing fields with 422 listing each, and writes nothing", async () => {
    const before = await countRows("sessions");
    const error = await expectError(
      await call("/v1/auth/login", { body: {} }),
      422,
      "validation_failed",
    );
    const paths = (error.details as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(["email", "password"]);
    expect(await countRows("sessions")).toBe(before);
  });

  it("refuses wrongly typed fields with 422", async () => {
    const account = await signup();
    await expectError(
      await call("/v1/auth/login", { body: { email: account.email, password: 1234567890 } }),
      422,
      "validation_failed",
    );
    await expectError(
      await call("/v1/auth/login", { body: { email: "not-an-email", password: PASSWORD } }),
      422,
      "validation_failed",
    );
  });

  it("refuses malformed JSON (400), a non-JSON body (415) and an oversized body (413)", async () => {
    const before = await countRows("sessions");
    await expectError(
      await call("/v1/auth/login", {
        rawBody: '{"email":',
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    await expectError(
      await call("/v1/auth/login", {
        rawBody: "email=a%40b.c&password=correct+horse+battery",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported_media_type",
    );
    await expectError(
      await call("/v1/auth/login", {
        rawBody: JSON.stringify({ email: "a@example.com", password: "x".repeat(1_100_000) }),
        headers: { "content-type": "application/json" },
      }),
      413,
      "payload_too_large",
    );
    expect(await countRows("sessions")).toBe(before);
  });

  it("refuses a login posted from a foreign origin (login CSRF) and creates no session", async () => {
    const account = await signup();
    const before = await countRows("sessions");
    await expectError(
      await call("/v1/auth/login", {
        body: { email: account.email, password: PASSWORD },
        origin: "https://evil.example",
      }),
      403,
      "csrf_rejected",
    );
    expect(await countRows("sessions")).toBe(before);
  });

  it("accepts a login without an Origin header (non-browser clients)", async () => {
    const account = await signup();
    const response = await call("/v1/auth/login", {
      body: { email: account.email, password: PASSWORD },
      origin: null,
    });
    expect(response.status).toBe(200);
  });
});
