import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/services";
import { countRows, expectError, json, PASSWORD, unique } from "../helpers";
import { harness } from "../http/harness";

const ip = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${unique("ip")}`;

/** The contract defaults (10 a minute, 20 an hour), which the suite's bindings lift. */
const DEFAULTS = { LOGIN_ATTEMPTS_PER_MINUTE: "10", SIGNUPS_PER_HOUR_PER_IP: "20" };

function setup(vars: Record<string, unknown> = DEFAULTS) {
  const h = harness({ clock: new ManualClock(), vars });
  const login = (email: string, password: string, from: string) =>
    h.send("/v1/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": from } });
  const signupFrom = (from: string, email = `${unique("new")}@example.com`) =>
    h.send("/v1/auth/signup", {
      body: { account_name: unique("Limited "), email, password: PASSWORD },
      headers: { "CF-Connecting-IP": from },
    });
  /** A fresh account from its own IP, so no test shares the "unknown" sign-up bucket. */
  async function signup() {
    const email = `${unique("admin")}@example.com`;
    const response = await signupFrom(ip(), email);
    expect(response.status).toBe(201);
    return { email };
  }
  return { ...h, login, signupFrom, signup };
}

async function expectLimited(response: Response) {
  const retryAfter = Number(response.headers.get("retry-after"));
  await expectError(response, 429, "rate_limited");
  expect(Number.isInteger(retryAfter)).toBe(true);
  return retryAfter;
}

describe("log-in throttle", () => {
  it("refuses the 11th failed log-in from one IP within a minute, even with the right password", async () => {
    const t = setup();
    const account = await t.signup();
    const from = ip();
    for (let i = 0; i < 10; i++) {
      await expectError(
        await t.login(account.email, "wrong password", from),
        401,
        "invalid_credentials",
      );
      t.clock.advance(1_000);
    }
    expect(await expectLimited(await t.login(account.email, "wrong password", from))).toBe(50);
    // Over the limit the password is not even checked.
    expect(await expectLimited(await t.login(account.email, PASSWORD, from))).toBe(50);
    // Another IP logs in; the e-mail's own counter (10 failures) is also full, so use another user.
    const other = await t.signup();
    expect((await t.login(other.email, PASSWORD, ip())).status).toBe(200);
    await expectLimited(await t.login(other.email, PASSWORD, from));
  });

  it("leaves a different IP unaffected and frees the window after a minute", async () => {
    const t = setup({ LOGIN_ATTEMPTS_PER_MINUTE: "3" });
    const from = ip();
    const emails = [0, 1, 2, 3].map(() => `${unique("nobody")}@example.com`);
    for (const email of emails.slice(0, 3)) {
      await expectError(await t.login(email, "guess", from), 401, "invalid_credentials");
    }
    expect(await expectLimited(await t.login(emails[3]!, "guess", from))).toBe(60);
    await expectError(await t.login(emails[3]!, "guess", ip()), 401, "invalid_credentials");
    t.clock.advance(59_000);
    expect(await expectLimited(await t.login(emails[3]!, "guess", from))).toBe(1);
    t.clock.advance(1_000);
    await expectError(await t.login(emails[3]!, "guess", from), 401, "invalid_credentials");
  });

  it("limits one e-mail across IPs", async () => {
    const t = setup({ LOGIN_ATTEMPTS_PER_MINUTE: "3" });
    const account = await t.signup();
    for (let i = 0; i < 3; i++) {
      await expectError(await t.login(account.email, "guess", ip()), 401, "invalid_credentials");
    }
    await expectLimited(await t.login(account.email.toUpperCase(), PASSWORD, ip()));
    t.clock.advance(60_000);
    expect((await t.login(account.email, PASSWORD, ip())).status).toBe(200);
  });

  it("does not count successful log-ins", async () => {
    const t = setup({ LOGIN_ATTEMPTS_PER_MINUTE: "2" });
    const account = await t.signup();
    const from = ip();
    for (let i = 0; i < 5; i++)
      expect((await t.login(account.email, PASSWORD, from)).status).toBe(200);
    await expectError(await t.login(account.email, "guess", from), 401);
    await expectError(await t.login(account.email, "guess", from), 401);
    await expectLimited(await t.login(account.email, PASSWORD, from));
  });

  it("answers 503 with Retry-After, not 500, when the throttle object is unavailable", async () => {
    const broken = {
      idFromName: (name: string) => env.THROTTLE.idFromName(name),
      get: () => ({
        take: () => Promise.reject(new Error("Durable Object reset because its code was updated")),
        refund: () => Promise.resolve(),
      }),
    };
    const t = setup({ ...DEFAULTS, THROTTLE: broken });
    const users = await countRows("users");
    const response = await t.login(`${unique("x")}@example.com`, "guess", ip());
    expect(response.headers.get("retry-after")).toBe("1");
    await expectError(response, 503, "unavailable");
    const signup = await t.signupFrom(ip());
    expect(signup.headers.get("retry-after")).toBe("1");
    await expectError(signup, 503, "unavailable");
    expect(await countRows("users")).toBe(users);
  });
});

describe("sign-up throttle", () => {
  it("refuses sign-ups over the per-IP hour limit and writes nothing", async () => {
    const t = setup({ SIGNUPS_PER_HOUR_PER_IP: "2" });
    const from = ip();
    expect((await t.signupFrom(from)).status).toBe(201);
    // A refused attempt (email taken) still counts.
    const taken = `${unique("dup")}@example.com`;
    expect((await t.signupFrom(ip(), taken)).status).toBe(201);
    await expectError(await t.signupFrom(from, taken), 409, "email_taken");

    const email = `${unique("late")}@example.com`;
    const [accounts, users] = [await countRows("accounts"), await countRows("users")];
    t.clock.advance(10 * 60_000);
    expect(await expectLimited(await t.signupFrom(from, email))).toBe(50 * 60);
    expect([await countRows("accounts"), await countRows("users")]).toEqual([accounts, users]);
    const row = await env.DB.prepare("select id from users where email = ?").bind(email).first();
    expect(row).toBeNull();

    expect((await t.signupFrom(ip())).status).toBe(201);
    t.clock.advance(50 * 60_000);
    const later = await t.signupFrom(from, email);
    expect(later.status).toBe(201);
    expect((await json(later)).user.email).toBe(email);
  });

  it("puts requests without CF-Connecting-IP in one shared bucket", async () => {
    // A clock of its own, far from the suite's other windows on the shared "unknown" bucket.
    const clock = new ManualClock(Date.UTC(2019, 0, 1) + Math.floor(Math.random() * 1e5) * 10_000);
    const h = harness({ clock, vars: { SIGNUPS_PER_HOUR_PER_IP: "1" } });
    const bare = () =>
      h.send("/v1/auth/signup", {
        body: {
          account_name: unique("Bare "),
          email: `${unique("bare")}@example.com`,
          password: PASSWORD,
        },
      });
    expect((await bare()).status).toBe(201);
    expect(await expectLimited(await bare())).toBe(3600);
  });

  it("allows 20 sign-ups an hour from one IP by default", async () => {
    const t = setup();
    const from = ip();
    for (let i = 0; i < 20; i++) expect((await t.signupFrom(from)).status).toBe(201);
    await expectLimited(await t.signupFrom(from));
  });
});
