import { describe, expect, it } from "vitest";
import {
  addMember,
  call,
  countRows,
  expectError,
  json,
  PASSWORD,
  signup,
  unique,
} from "../helpers";
import { harness } from "../http/harness";

const newUser = (role: "admin" | "member" = "member") => ({
  email: `${unique()}@example.com`,
  role,
  password: PASSWORD,
});

describe("users: who may do what", () => {
  it("no session: every users route is 401 and nothing is written", async () => {
    const admin = await signup();
    const before = await countRows("users");
    await expectError(await call("/v1/users"), 401, "unauthorized");
    await expectError(await call("/v1/users", { body: newUser() }), 401, "unauthorized");
    await expectError(
      await call(`/v1/users/${admin.userId}`, { method: "PATCH", body: { role: "member" } }),
      401,
      "unauthorized",
    );
    expect(await countRows("users")).toBe(before);
  });

  it("a member cannot add users (403), even an admin, and nothing is written", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    const before = await countRows("users");
    for (const role of ["member", "admin"] as const) {
      await expectError(
        await call("/v1/users", { cookie: member.cookie, body: newUser(role) }),
        403,
        "forbidden",
      );
    }
    expect(await countRows("users")).toBe(before);
  });

  it("a member is refused (403) before their body is even validated", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    await expectError(
      await call("/v1/users", { cookie: member.cookie, body: { role: "nonsense" } }),
      403,
      "forbidden",
    );
  });

  it("a member cannot promote themselves or change anyone's role (403)", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    await expectError(
      await call(`/v1/users/${member.userId}`, {
        method: "PATCH",
        cookie: member.cookie,
        body: { role: "admin" },
      }),
      403,
      "forbidden",
    );
    await expectError(
      await call(`/v1/users/${admin.userId}`, {
        method: "PATCH",
        cookie: member.cookie,
        body: { role: "member" },
      }),
      403,
      "forbidden",
    );
    expect((await json(await call("/v1/me", { cookie: member.cookie }))).user.role).toBe("member");
    expect((await json(await call("/v1/me", { cookie: admin.cookie }))).user.role).toBe("admin");
  });

  it("an API-key style Authorization header cannot manage users", async () => {
    const admin = await signup();
    const before = await countRows("users");
    const response = await call("/v1/users", {
      cookie: admin.cookie,
      bearer: "sk_live_definitelynotarealkey0000000000000",
      body: newUser(),
    });
    await expectError(response, 401);
    expect(await countRows("users")).toBe(before);
  });
});

describe("users: accounts are isolated", () => {
  it("another account's user id is 404 on PATCH, and that user is unchanged", async () => {
    const mine = await signup();
    const theirs = await signup();
    const theirMember = await addMember(theirs);
    for (const id of [theirs.userId, theirMember.userId]) {
      const error = await expectError(
        await call(`/v1/users/${id}`, {
          method: "PATCH",
          cookie: mine.cookie,
          body: { role: "member" },
        }),
        404,
        "not_found",
      );
      // Same answer as for an id that never existed: nothing leaks.
      const missing = await expectError(
        await call("/v1/users/usr_0000000000000000000000000", {
          method: "PATCH",
          cookie: mine.cookie,
          body: { role: "member" },
        }),
        404,
        "not_found",
      );
      expect(error.message).toBe(missing.message);
    }
    await expectError(
      await call(`/v1/users/${theirMember.userId}`, {
        method: "PATCH",
        cookie: mine.cookie,
        body: { role: "admin" },
      }),
      404,
    );
    expect((await json(await call("/v1/me", { cookie: theirs.cookie }))).user.role).toBe("admin");
    expect((await json(await call("/v1/me", { cookie: theirMember.cookie }))).user.role).toBe(
      "member",
    );
  });

  it("lists only the caller's own account's users", async () => {
    const mine = await signup();
    const theirs = await signup();
    const theirMember = await addMember(theirs);
    const page = await json(await call("/v1/users?limit=100", { cookie: mine.cookie }));
    const ids = page.data.map((user: { id: string }) => user.id);
    expect(ids).toEqual([mine.userId]);
    expect(ids).not.toContain(theirs.userId);
    expect(ids).not.toContain(theirMember.userId);
  });

  it("a cursor from another account does not reveal that account's users", async () => {
    const mine = await signup();
    const theirs = await signup();
    const theirMember = await addMember(theirs);
    const page = await json(
      await call(`/v1/users?cursor=${theirMember.userId}`, { cookie: mine.cookie }),
    );
    for (const user of page.data) expect(user.account_id).toBe(mine.accountId);
  });

  it("users an admin adds always land in the admin's own account", async () => {
    const admin = await signup();
    const other = await signup();
    const response = await call("/v1/users", {
      cookie: admin.cookie,
      body: { ...newUser(), account_id: other.accountId },
    });
    expect(response.status).toBe(201);
    expect((await json(response)).account_id).toBe(admin.accountId);
    const theirs = await json(await call("/v1/users", { cookie: other.cookie }));
    expect(theirs.data).toHaveLength(1);
  });
});

describe("signup and the last admin", () => {
  it("the only admin cannot demote themselves (409), so the account is never orphaned", async () => {
    const admin = await signup();
    const before = await countRows("users");
    await expectError(
      await call(`/v1/users/${admin.userId}`, {
        method: "PATCH",
        cookie: admin.cookie,
        body: { role: "member" },
      }),
      409,
      "conflict",
    );
    expect(await countRows("users")).toBe(before);
    const created = await call("/v1/users", { cookie: admin.cookie, body: newUser() });
    expect(created.status).toBe(201);
  });

  it("two admins demoting each other at the same time leave one admin", async () => {
    const h = harness();
    const first = await h.signup();
    const secondCreated = await json(
      await h.send("/v1/users", { cookie: first.cookie, body: { ...newUser("admin") } }),
    );
    const secondLogin = await h.send("/v1/auth/login", {
      body: { email: secondCreated.email, password: PASSWORD },
    });
    const secondCookie = /sb_session=[^;]+/.exec(secondLogin.headers.get("set-cookie") ?? "")![0];
    const [a, b] = await Promise.all([
      h.send(`/v1/users/${secondCreated.id}`, {
        method: "PATCH",
        cookie: first.cookie,
        body: { role: "member" },
      }),
      h.send(`/v1/users/${first.userId}`, {
        method: "PATCH",
        cookie: secondCookie,
        body: { role: "member" },
      }),
    ]);
    const statuses = [a.status, b.status].sort();
    // Both may fail if one demotion lands first and strips the other's admin right (403), but
    // never both succeed.
    expect(statuses).not.toEqual([200, 200]);
    const list = await json(await h.send("/v1/users", { cookie: first.cookie }));
    const admins = list.data.filter((user: { role: string }) => user.role === "admin");
    expect(admins).toHaveLength(1);
  });
});
