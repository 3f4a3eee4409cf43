import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { json, PASSWORD, sessionCookie, unique } from "../helpers";
import { clockedApp } from "../support/clocked";
import { REVOKED } from "../support/keys";

async function adminOf(app: ReturnType<typeof clockedApp>) {
  const response = await app.fetch("/v1/auth/signup", {
    json: { account_name: unique("Clock "), email: `${unique()}@example.com`, password: PASSWORD },
  });
  expect(response.status).toBe(201);
  return sessionCookie(response);
}

async function newKey(
  app: ReturnType<typeof clockedApp>,
  cookie: string,
  extra: Record<string, unknown> = {},
) {
  const response = await app.fetch("/v1/api-keys", {
    cookie,
    json: { name: "k", environment: "production", ...extra },
  });
  expect(response.status).toBe(201);
  return json(response);
}

describe("API keys over time (manual clock)", () => {
  it("rotation with a grace period keeps the old secret until the grace ends, then 401", async () => {
    const app = clockedApp();
    const cookie = await adminOf(app);
    const old = await newKey(app, cookie);
    const rotated = await json(
      await app.fetch(`/v1/api-keys/${old.id}/rotate`, {
        cookie,
        json: { grace_period_seconds: 3600 },
      }),
    );
    expect((await app.fetch("/v1/account", { bearer: old.key })).status).toBe(200);
    expect((await app.fetch("/v1/account", { bearer: rotated.key })).status).toBe(200);

    const listed = await json(await app.fetch("/v1/api-keys", { cookie }));
    const oldListed = listed.data.find((key: { id: string }) => key.id === old.id);
    expect(oldListed).toMatchObject({
      status: "expiring",
      revoked_at: new Date(app.clock.now() + 3_600_000).toISOString(),
    });

    app.clock.advance(3_599_000);
    expect((await app.fetch("/v1/account", { bearer: old.key })).status).toBe(200);
    app.clock.advance(1_000);
    const refused = await app.fetch("/v1/account", { bearer: old.key });
    expect(refused.status).toBe(401);
    expect((await json(refused)).error.code).toMatch(REVOKED);
    expect((await app.fetch("/v1/account", { bearer: rotated.key })).status).toBe(200);
  });

  it("a rotated key cannot be rotated again, its replacement can", async () => {
    const app = clockedApp();
    const cookie = await adminOf(app);
    const old = await newKey(app, cookie);
    const rotated = await json(
      await app.fetch(`/v1/api-keys/${old.id}/rotate`, {
        cookie,
        json: { grace_period_seconds: 60 },
      }),
    );
    const again = await app.fetch(`/v1/api-keys/${old.id}/rotate`, { cookie, json: {} });
    expect(again.status).toBe(409);
    expect(
      (await app.fetch(`/v1/api-keys/${rotated.id}/rotate`, { cookie, json: {} })).status,
    ).toBe(201);
  });

  it("an expiring key works until expires_at, then 401 api_key_expired", async () => {
    const app = clockedApp();
    const cookie = await adminOf(app);
    const key = await newKey(app, cookie, {
      expires_at: new Date(app.clock.now() + 60_000).toISOString(),
    });
    expect((await app.fetch("/v1/account", { bearer: key.key })).status).toBe(200);
    app.clock.advance(60_000);
    const refused = await app.fetch("/v1/account", { bearer: key.key });
    expect(refused.status).toBe(401);
    expect((await json(refused)).error.code).toBe("api_key_expired");
    const listed = await json(await app.fetch(`/v1/api-keys/${key.id}`, { cookie }));
    expect(listed.status).toBe("expired");
  });

  it("flags keys older than 90 days as rotation_due", async () => {
    const app = clockedApp({ SESSION_TTL_SECONDS: String(365 * 86_400) });
    const cookie = await adminOf(app);
    const key = await newKey(app, cookie);
    app.clock.advance(89 * 86_400_000);
    expect((await json(await app.fetch(`/v1/api-keys/${key.id}`, { cookie }))).rotation_due).toBe(
      false,
    );
    app.clock.advance(2 * 86_400_000);
    expect((await json(await app.fetch(`/v1/api-keys/${key.id}`, { cookie }))).rotation_due).toBe(
      true,
    );
  });

  it("rate-limits per key with 429 and Retry-After, and refills over time", async () => {
    const app = clockedApp({ API_KEY_RATE_LIMIT_PER_MINUTE: "3" });
    const cookie = await adminOf(app);
    const limited = await newKey(app, cookie);
    const other = await newKey(app, cookie);
    for (let i = 0; i < 3; i++)
      expect((await app.fetch("/v1/account", { bearer: limited.key })).status).toBe(200);
    const refused = await app.fetch("/v1/account", { bearer: limited.key });
    expect(refused.status).toBe(429);
    expect((await json(refused)).error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBe(20);
    expect((await app.fetch("/v1/account", { bearer: other.key })).status).toBe(200);
    app.clock.advance(20_000);
    expect((await app.fetch("/v1/account", { bearer: limited.key })).status).toBe(200);
    expect((await app.fetch("/v1/account", { bearer: limited.key })).status).toBe(429);
  });

  it("refuses a mistyped key before any storage is touched", async () => {
    let kvReads = 0;
    const countingKv = new Proxy(env.KEYS, {
      get(target, property, receiver) {
        if (property === "get") kvReads++;
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const app = clockedApp({ KEYS: countingKv });
    const cookie = await adminOf(app);
    const key = await newKey(app, cookie);
    kvReads = 0;
    const mistyped = `${key.key.slice(0, 20)}${key.key[20] === "a" ? "b" : "a"}${key.key.slice(21)}`;
    const refused = await app.fetch("/v1/account", { bearer: mistyped });
    expect(refused.status).toBe(401);
    expect((await json(refused)).error.code).toBe("invalid_api_key");
    expect(kvReads).toBe(0);
    expect((await app.fetch("/v1/account", { bearer: key.key })).status).toBe(200);
    expect(kvReads).toBe(1);
    // The route to the authority is cached in the isolate; the authority is still asked each time.
    expect((await app.fetch("/v1/account", { bearer: key.key })).status).toBe(200);
    expect(kvReads).toBe(1);
    await app.fetch(`/v1/api-keys/${key.id}`, { method: "DELETE", cookie });
    expect((await app.fetch("/v1/account", { bearer: key.key })).status).toBe(401);
  });

  it("without a pepper, key requests get 503 not_configured and /healthz reports it", async () => {
    const app = clockedApp({ API_KEY_PEPPER: undefined });
    const cookie = await adminOf(app);
    const created = await app.fetch("/v1/api-keys", {
      cookie,
      json: { name: "k", environment: "test" },
    });
    expect(created.status).toBe(503);
    expect((await json(created)).error.code).toBe("not_configured");
    const healthy = clockedApp();
    const key = await newKey(healthy, await adminOf(healthy));
    const refused = await app.fetch("/v1/account", { bearer: key.key });
    expect(refused.status).toBe(503);
    const health = await app.fetch("/healthz");
    expect(health.status).toBe(503);
    expect((await json(health)).checks.api_key_pepper).toBe("missing");
  });
});
