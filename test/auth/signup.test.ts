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

describe("signup", () => {
  it("creates an account with a slug and its first admin, and logs in", async () => {
    const email = `${unique("Founder")}@Example.com`;
    const response = await call("/v1/auth/signup", {
      body: { account_name: "PupStar Primary", email, password: PASSWORD },
    });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.account.id).toMatch(/^acct_/);
    expect(body.account.slug).toMatch(/^pupstar-primary(-\d+)?$/);
    expect(body.user).toMatchObject({
      role: "admin",
      email: email.toLowerCase(),
      account_id: body.account.id,
    });
    expect(body.user.id).toMatch(/^usr_/);
    expect(body.user).not.toHaveProperty("password_hash");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const me = await call("/v1/me", { cookie: sessionCookie(response) });
    expect(me.status).toBe(200);
    expect((await json(me)).user.id).toBe(body.user.id);
  });

  it("gives each account a distinct slug for the same name", async () => {
    const name = unique("Same Name ");
    const first = await signup(name);
    const second = await signup(name);
    expect(first.slug).not.toBe(second.slug);
    expect(second.slug.startsWith(first.slug)).toBe(true);
  });

  it("never issues a reserved slug", async () => {
    const account = await signup("Docs");
    expect(account.slug).not.toBe("docs");
    const v1 = await signup("v1");
    expect(v1.slug).not.toBe("v1");
  });

  it("stores the password only as a salted PBKDF2 hash", async () => {
    const account = await signup();
    const { env } = await import("cloudflare:workers");
    const row = await env.DB.prepare("select password_hash from users where id = ?")
      .bind(account.userId)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(row?.password_hash).not.toContain(PASSWORD);
  });
});

describe("signup errors", () => {
  it("refuses an existing email with 409 and writes nothing", async () => {
    const account = await signup();
    const before = await countRows("accounts");
    const response = await call("/v1/auth/signup", {
      body: { account_name: "Again", email: account.email.toUpperCase(), password: PASSWORD },
    });
    await expectError(response, 409, "email_taken");
    expect(await countRows("accounts")).toBe(before);
  });

  it("refuses a weak password with 422 naming the field", async () => {
    const before = await countRows("users");
    const response = await call("/v1/auth/signup", {
      body: { account_name: "Weak", email: `${unique()}@example.com`, password: "short" },
    });
    const error = await expectError(response, 422, "validation_failed");
    expect(error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "password" })]),
    );
    expect(await countRows("users")).toBe(before);
  });

  it("refuses missing fields with 422 listing each", async () => {
    const error = await expectError(
      await call("/v1/auth/signup", { body: {} }),
      422,
      "validation_failed",
    );
    const paths = (error.details as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(["account_name", "email", "password"]);
  });

  it("refuses an empty body with 422", async () => {
    await expectError(
      await call("/v1/auth/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
      }),
      422,
      "validation_failed",
    );
  });

  it("refuses an invalid email with 422", async () => {
    await expectError(
      await call("/v1/auth/signup", {
        body: { account_name: "X", email: "not-an-email", password: PASSWORD },
      }),
      422,
    );
  });
});

describe("signup closed (SIGNUP=closed)", () => {
  it.each(["closed", "CLOSED", "Closed"])(
    "SIGNUP=%s refuses signup with 403, sets no cookie and writes nothing",
    async (value) => {
      const h = harness({ vars: { SIGNUP: value } });
      const before = [await countRows("accounts"), await countRows("users")];
      const response = await h.send("/v1/auth/signup", {
        body: { account_name: "Closed", email: `${unique()}@example.com`, password: PASSWORD },
      });
      expect(response.headers.get("set-cookie")).toBeNull();
      await expectError(response, 403, "signup_closed");
      expect([await countRows("accounts"), await countRows("users")]).toEqual(before);
    },
  );

  it("SIGNUP=open allows signup", async () => {
    for (const value of ["open", "OPEN"]) {
      const h = harness({ vars: { SIGNUP: value } });
      const response = await h.send("/v1/auth/signup", {
        body: { account_name: "Open", email: `${unique()}@example.com`, password: PASSWORD },
      });
      expect(response.status).toBe(201);
    }
  });

  it("closed signup still lets admins add users", async () => {
    const open = harness();
    const admin = await open.signup();
    const closed = harness({ vars: { SIGNUP: "closed" } });
    const response = await closed.send("/v1/users", {
      cookie: admin.cookie,
      body: { email: `${unique()}@example.com`, role: "member", password: PASSWORD },
    });
    expect(response.status).toBe(201);
  });
});

describe("signup edge cases", () => {
  it("refuses a blank or over-long account name with 422 and writes nothing", async () => {
    const before = await countRows("accounts");
    for (const account_name of ["", "   ", "x".repeat(101)]) {
      const error = await expectError(
        await call("/v1/auth/signup", {
          body: { account_name, email: `${unique()}@example.com`, password: PASSWORD },
        }),
        422,
        "validation_failed",
      );
      expect(error.details).toEqual([expect.objectContaining({ path: "account_name" })]);
    }
    expect(await countRows("accounts")).toBe(before);
  });

  it("trims the account name", async () => {
    const response = await call("/v1/auth/signup", {
      body: {
        account_name: "  Trimmed Name  ",
        email: `${unique()}@example.com`,
        password: PASSWORD,
      },
    });
    expect(response.status).toBe(201);
    expect((await json(response)).account.name).toBe("Trimmed Name");
  });

  it("two simultaneous signups with one email: one 201, one 409, one account", async () => {
    const email = `${unique("race")}@example.com`;
    const before = await countRows("accounts");
    const responses = await Promise.all(
      ["Race One", "Race Two"].map((account_name) =>
        call("/v1/auth/signup", { body: { account_name, email, password: PASSWORD } }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    const loser = responses.find((response) => response.status === 409)!;
    await expectError(loser, 409, "email_taken");
    expect(await countRows("accounts")).toBe(before + 1);
  });

  it("simultaneous signups by different people with one account name all succeed", async () => {
    // The slug is ours to choose, so a slug race must never bounce a valid signup back.
    const name = unique("Same Moment ");
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        call("/v1/auth/signup", {
          body: { account_name: name, email: `${unique()}@example.com`, password: PASSWORD },
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(201));
    const slugs = await Promise.all(
      responses.map(async (response) => (await json(response)).account.slug as string),
    );
    expect(new Set(slugs).size).toBe(6);
  });

  it("a signup with an email an admin already added is 409", async () => {
    const admin = await signup();
    const email = `${unique("taken")}@example.com`;
    expect(
      (
        await call("/v1/users", {
          cookie: admin.cookie,
          body: { email, role: "member", password: PASSWORD },
        })
      ).status,
    ).toBe(201);
    const before = await countRows("accounts");
    await expectError(
      await call("/v1/auth/signup", {
        body: { account_name: "Dup", email, password: PASSWORD },
      }),
      409,
      "email_taken",
    );
    expect(await countRows("accounts")).toBe(before);
  });
});
