import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  addMember,
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

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe("POST /v1/users", () => {
  it("lets an admin add a member with a password; the member can log in", async () => {
    const admin = await signup();
    const email = `${unique("New.Member")}@Example.com`;
    const response = await call("/v1/users", {
      cookie: admin.cookie,
      body: { email, role: "member", password: PASSWORD },
    });
    expect(response.status).toBe(201);
    const user = await json(response);
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Za-z]+$/),
      email: email.toLowerCase(),
      role: "member",
      account_id: admin.accountId,
      created_at: expect.stringMatching(RFC3339),
      updated_at: expect.stringMatching(RFC3339),
    });
    const row = await env.DB.prepare("select password_hash from users where id = ?")
      .bind(user.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);

    const login = await call("/v1/auth/login", { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect((await json(login)).user).toMatchObject({ id: user.id, role: "member" });
  });

  it("lets an admin add another admin, who can then add users", async () => {
    const admin = await signup();
    const second = await addMember(admin, "admin");
    const me = await json(await call("/v1/me", { cookie: second.cookie }));
    expect(me.user.role).toBe("admin");
    const third = await call("/v1/users", {
      cookie: second.cookie,
      body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
    });
    expect(third.status).toBe(201);
    expect((await json(third)).account_id).toBe(admin.accountId);
  });

  it("stamps created_at/updated_at from the clock", async () => {
    const h = harness();
    const admin = await h.signup();
    h.clock.advance(5_000);
    const response = await h.send("/v1/users", {
      cookie: admin.cookie,
      body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
    });
    expect(response.status).toBe(201);
    const user = await json(response);
    expect(user.created_at).toBe(new Date(h.clock.now()).toISOString());
    expect(user.updated_at).toBe(user.created_at);
  });
});

describe("POST /v1/users errors (nothing is written)", () => {
  it("refuses an email already in use (any case) with 409", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    const before = await countRows("users");
    await expectError(
      await call("/v1/users", {
        cookie: admin.cookie,
        body: { email: member.email.toUpperCase(), role: "member", password: PASSWORD },
      }),
      409,
      "email_taken",
    );
    await expectError(
      await call("/v1/users", {
        cookie: admin.cookie,
        body: { email: admin.email, role: "admin", password: PASSWORD },
      }),
      409,
      "email_taken",
    );
    expect(await countRows("users")).toBe(before);
  });

  it("refuses a weak password with 422 naming the field", async () => {
    const admin = await signup();
    const before = await countRows("users");
    const error = await expectError(
      await call("/v1/users", {
        cookie: admin.cookie,
        body: { email: `${unique()}@example.com`, role: "member", password: "123456789" },
      }),
      422,
      "validation_failed",
    );
    expect(error.details).toEqual([
      expect.objectContaining({
        path: "password",
        message: "Password must be at least 10 characters.",
      }),
    ]);
    expect(await countRows("users")).toBe(before);
  });

  it("refuses missing fields with 422 listing each", async () => {
    const admin = await signup();
    const before = await countRows("users");
    const error = await expectError(
      await call("/v1/users", { cookie: admin.cookie, body: {} }),
      422,
      "validation_failed",
    );
    const paths = (error.details as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(["email", "password", "role"]);
    expect(await countRows("users")).toBe(before);
  });

  it("refuses an unknown role and a bad email with 422", async () => {
    const admin = await signup();
    const before = await countRows("users");
    for (const body of [
      { email: `${unique()}@example.com`, role: "owner", password: PASSWORD },
      { email: `${unique()}@example.com`, role: "ADMIN", password: PASSWORD },
      { email: "nobody", role: "member", password: PASSWORD },
      { email: `${"a".repeat(250)}@example.com`, role: "member", password: PASSWORD },
    ]) {
      await expectError(
        await call("/v1/users", { cookie: admin.cookie, body }),
        422,
        "validation_failed",
      );
    }
    expect(await countRows("users")).toBe(before);
  });

  it("refuses malformed JSON (400), non-JSON (415) and oversized (413) bodies", async () => {
    const admin = await signup();
    const before = await countRows("users");
    await expectError(
      await call("/v1/users", {
        cookie: admin.cookie,
        rawBody: "{not json",
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    await expectError(
      await call("/v1/users", {
        cookie: admin.cookie,
        rawBody: JSON.stringify({
          email: `${unique()}@example.com`,
          role: "member",
          password: PASSWORD,
        }),
        headers: { "content-type": "text/plain" },
      }),
      415,
      "unsupported_media_type",
    );
    await expectError(
      await call("/v1/users", {
        cookie: admin.cookie,
        rawBody: JSON.stringify({
          email: `${unique()}@example.com`,
          role: "member",
          password: PASSWORD,
          pad: "x".repeat(1_048_576),
        }),
        headers: { "content-type": "application/json" },
      }),
      413,
      "payload_too_large",
    );
    expect(await countRows("users")).toBe(before);
  });
});

describe("GET /v1/users", () => {
  it("lists the account's users as a page, for admins and members alike", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    for (const cookie of [admin.cookie, member.cookie]) {
      const response = await call("/v1/users", { cookie });
      expect(response.status).toBe(200);
      const page = await json(response);
      expect(page.has_more).toBe(false);
      expect(page.next_cursor).toBeNull();
      expect(page.data.map((user: { id: string }) => user.id).sort()).toEqual(
        [admin.userId, member.userId].sort(),
      );
      for (const user of page.data) {
        expect(user.account_id).toBe(admin.accountId);
        expect(user).not.toHaveProperty("password_hash");
        expect(user).not.toHaveProperty("passwordHash");
      }
    }
  });

  it("pages with limit and cursor, newest first, without gaps or repeats", async () => {
    const admin = await signup();
    const added: string[] = [admin.userId];
    for (let i = 0; i < 4; i++) added.push((await addMember(admin)).userId);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const response = await call(`/v1/users${query}`, { cookie: admin.cookie });
      expect(response.status).toBe(200);
      const page = await json(response);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((user: { id: string }) => user.id));
      expect(page.has_more).toBe(page.next_cursor !== null);
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual([...added].sort());
    // Ids are time-ordered, so "newest first" is descending id order.
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it("defaults to 20 per page", async () => {
    const h = harness();
    const admin = await h.signup();
    for (let i = 0; i < 21; i++) {
      const created = await h.send("/v1/users", {
        cookie: admin.cookie,
        body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
      });
      expect(created.status).toBe(201);
    }
    const page = await json(await h.send("/v1/users", { cookie: admin.cookie }));
    expect(page.data).toHaveLength(20);
    expect(page.has_more).toBe(true);
    const rest = await json(
      await h.send(`/v1/users?cursor=${page.next_cursor}`, { cookie: admin.cookie }),
    );
    expect(rest.data).toHaveLength(2);
    expect(rest.has_more).toBe(false);
  });

  it("refuses a bad limit or cursor with 422", async () => {
    const admin = await signup();
    for (const query of [
      "limit=0",
      "limit=101",
      "limit=abc",
      "limit=2.5",
      "cursor=%27%20or%201",
      "cursor=",
    ]) {
      await expectError(
        await call(`/v1/users?${query}`, { cookie: admin.cookie }),
        422,
        "validation_failed",
      );
    }
  });

  it("needs a session: 401 without one", async () => {
    await expectError(await call("/v1/users"), 401, "unauthorized");
  });
});

describe("PATCH /v1/users/{id}", () => {
  it("promotes a member to admin, and the change applies to their live session", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    const response = await call(`/v1/users/${member.userId}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { role: "admin" },
    });
    expect(response.status).toBe(200);
    const user = await json(response);
    expect(user).toMatchObject({ id: member.userId, role: "admin", account_id: admin.accountId });

    const created = await call("/v1/users", {
      cookie: member.cookie,
      body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
    });
    expect(created.status).toBe(201);
  });

  it("demotes an admin while another admin remains; the demoted session loses admin rights", async () => {
    const admin = await signup();
    const second = await addMember(admin, "admin");
    const response = await call(`/v1/users/${second.userId}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { role: "member" },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).role).toBe("member");
    await expectError(
      await call("/v1/users", {
        cookie: second.cookie,
        body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
      }),
      403,
      "forbidden",
    );
  });

  it("lets an admin demote themselves when another admin remains", async () => {
    const admin = await signup();
    await addMember(admin, "admin");
    const response = await call(`/v1/users/${admin.userId}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { role: "member" },
    });
    expect(response.status).toBe(200);
    expect((await json(await call("/v1/me", { cookie: admin.cookie }))).user.role).toBe("member");
  });

  it("moves updated_at with the clock and keeps created_at", async () => {
    const h = harness();
    const admin = await h.signup();
    const created = await json(
      await h.send("/v1/users", {
        cookie: admin.cookie,
        body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
      }),
    );
    h.clock.advance(60_000);
    const updated = await json(
      await h.send(`/v1/users/${created.id}`, {
        method: "PATCH",
        cookie: admin.cookie,
        body: { role: "admin" },
      }),
    );
    expect(updated.created_at).toBe(created.created_at);
    expect(updated.updated_at).toBe(new Date(h.clock.now()).toISOString());
  });

  it("setting the role a user already has is a harmless 200", async () => {
    const admin = await signup();
    const response = await call(`/v1/users/${admin.userId}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { role: "admin" },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).role).toBe("admin");
  });

  it("refuses to demote the account's last admin with 409", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    await expectError(
      await call(`/v1/users/${admin.userId}`, {
        method: "PATCH",
        cookie: admin.cookie,
        body: { role: "member" },
      }),
      409,
      "conflict",
    );
    const me = await json(await call("/v1/me", { cookie: admin.cookie }));
    expect(me.user.role).toBe("admin");
    expect(me.user.updated_at).toBe(me.user.created_at);
    // The member is still a member and the admin can still manage users.
    const list = await json(await call("/v1/users", { cookie: admin.cookie }));
    const roles = Object.fromEntries(
      list.data.map((user: { id: string; role: string }) => [user.id, user.role]),
    );
    expect(roles).toEqual({ [admin.userId]: "admin", [member.userId]: "member" });
  });

  it("refuses the last admin's demotion even after the other admin was demoted", async () => {
    const admin = await signup();
    const second = await addMember(admin, "admin");
    expect(
      (
        await call(`/v1/users/${second.userId}`, {
          method: "PATCH",
          cookie: admin.cookie,
          body: { role: "member" },
        })
      ).status,
    ).toBe(200);
    await expectError(
      await call(`/v1/users/${admin.userId}`, {
        method: "PATCH",
        cookie: admin.cookie,
        body: { role: "member" },
      }),
      409,
    );
  });

  it("404s for an id that does not exist", async () => {
    const admin = await signup();
    await expectError(
      await call("/v1/users/usr_doesnotexist000000000000", {
        method: "PATCH",
        cookie: admin.cookie,
        body: { role: "admin" },
      }),
      404,
      "not_found",
    );
  });

  it("refuses a bad role, a missing body or an over-long id with 422", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    for (const body of [{ role: "owner" }, {}, { role: null }]) {
      await expectError(
        await call(`/v1/users/${member.userId}`, { method: "PATCH", cookie: admin.cookie, body }),
        422,
        "validation_failed",
      );
    }
    await expectError(
      await call(`/v1/users/usr_${"x".repeat(80)}`, {
        method: "PATCH",
        cookie: admin.cookie,
        body: { role: "admin" },
      }),
      422,
      "validation_failed",
    );
    const login = await call("/v1/auth/login", {
      body: { email: member.email, password: PASSWORD },
    });
    expect((await json(await call("/v1/me", { cookie: sessionCookie(login) }))).user.role).toBe(
      "member",
    );
  });
});
