import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { KeyAuthority } from "../../src/ledger/authority";
import { openLedgerDb } from "../../src/ledger/db";
import { ManualClock } from "../../src/services";
import { rateBuckets } from "../../src/storage/account/schema";
import { expectError, json } from "../helpers";
import { harness } from "../http/harness";
import { accountStub } from "../support/ledger";
import { uniqueNumber } from "../support/numbers";

type App = ReturnType<typeof harness>;

/** Real time as the start: the object's retention sweep runs on the system clock. */
const limited = (vars: Record<string, string>) =>
  harness({ vars, clock: new ManualClock(Date.now()) });

async function keyOf(app: App) {
  const admin = await app.signup();
  const response = await app.send("/v1/api-keys", {
    cookie: admin.cookie,
    body: { name: "k", environment: "test" },
  });
  expect(response.status).toBe(201);
  return { admin, key: (await json(response)).key as string };
}

const messagesOf = async (app: App, key: string) =>
  (await json(await app.send("/v1/messages?limit=100", { bearer: key }))).data.length;

describe("API_KEY_RATE_LIMIT_PER_MINUTE", () => {
  it("lets the limit through, refuses the next with 429 + Retry-After, and writes nothing", async () => {
    const app = limited({ API_KEY_RATE_LIMIT_PER_MINUTE: "4" });
    const { key } = await keyOf(app);
    const send = () =>
      app.send("/v1/messages", { bearer: key, body: { to: uniqueNumber(), body: "hi" } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await send();
      expect(r.status).toBe(202);
      ids.push((await json(r)).id);
    }

    const refused = await send();
    const error = await expectError(refused, 429, "rate_limited");
    expect(error.message).toMatch(/retry in 15s/);
    expect(refused.headers.get("retry-after")).toBe("15");
    // Refill one token (15 s at 4 a minute): one list, and exactly the four sends are there.
    app.clock.advance(15_000);
    const listed = await json(await app.send("/v1/messages?limit=100", { bearer: key }));
    expect(listed.data.map((message: { id: string }) => message.id).sort()).toEqual(ids.sort());
  });

  it("carries over an object reset: the restarted authority does not start the bucket full", async () => {
    const app = limited({ API_KEY_RATE_LIMIT_PER_MINUTE: "3" });
    const { key } = await keyOf(app);
    for (let i = 0; i < 3; i++) {
      expect((await app.send("/v1/account", { bearer: key })).status).toBe(200);
    }
    await abortAllDurableObjects();
    const refused = await app.send("/v1/account", { bearer: key });
    await expectError(refused, 429, "rate_limited");
    expect(refused.headers.get("retry-after")).toBe("20");
    app.clock.advance(20_000);
    expect((await app.send("/v1/account", { bearer: key })).status).toBe(200);
  });

  it("at a larger limit a reset gives away less than a tenth of it", async () => {
    const limit = 200;
    const app = limited({ API_KEY_RATE_LIMIT_PER_MINUTE: String(limit) });
    const { key } = await keyOf(app);
    for (let i = 0; i < limit - 50; i++) {
      expect((await app.send("/v1/account", { bearer: key })).status).toBe(200);
    }
    await abortAllDurableObjects();
    let passed = 0;
    while ((await app.send("/v1/account", { bearer: key })).status === 200) passed++;
    // Without the reset 50 would pass; the reset may add fewer than limit / 10 (20).
    expect(passed).toBeGreaterThanOrEqual(50);
    expect(passed).toBeLessThan(50 + limit / 10);
  });
});

describe("MAX_BODY_BYTES", () => {
  it("accepts a body at the limit, refuses one byte more with 413 and writes nothing", async () => {
    const app = limited({ MAX_BODY_BYTES: "2048" });
    const { key } = await keyOf(app);
    const bodyOf = (bytes: number) => {
      const base = JSON.stringify({ to: uniqueNumber(), body: "" });
      return JSON.stringify({ to: JSON.parse(base).to, body: "x".repeat(bytes - base.length) });
    };
    const post = (rawBody: string) =>
      app.send("/v1/messages", {
        bearer: key,
        rawBody,
        headers: { "content-type": "application/json" },
      });
    const atLimit = bodyOf(2048);
    expect(new TextEncoder().encode(atLimit).byteLength).toBe(2048);
    // A 2,000-character SMS body is refused by validation, not by size: the size check passed.
    await expectError(await post(atLimit), 422, "validation_failed");
    const over = bodyOf(2049);
    const error = await expectError(await post(over), 413, "payload_too_large");
    expect(error.message).toMatch(/2048 bytes/);
    expect(await messagesOf(app, key)).toBe(0);
    expect(env.MAX_BODY_BYTES).toBe("1048576");
  });
});

describe("the cost of storing rate-limit buckets", () => {
  /** Runs `uses` authorizations spaced `gapMs` apart and counts the bucket writes they made. */
  const writesFor = (limit: number, uses: number, gapMs: number) =>
    runInDurableObject<AccountObject, { passed: number; writes: number }>(
      accountStub(`acct_${crypto.randomUUID()}`),
      (_instance, state) => {
        const db = openLedgerDb(state.storage);
        let writes = 0;
        const counting = new Proxy(db, {
          get(target, property) {
            const value = Reflect.get(target, property);
            if (property !== "insert")
              return typeof value === "function" ? value.bind(target) : value;
            return (table: unknown) => {
              if (table === rateBuckets) writes++;
              return target.insert(table as typeof rateBuckets);
            };
          },
        });
        const authority = new KeyAuthority(counting);
        authority.write({
          keyId: "key_cost",
          hash: "h",
          environment: "test",
          scopes: [],
          expiresAt: null,
          revokedAt: null,
        });
        let passed = 0;
        let now = Date.now();
        for (let i = 0; i < uses; i++) {
          if (authority.authorize("key_cost", "h", now, limit).ok) passed++;
          now += gapMs;
        }
        return { passed, writes };
      },
    );

  it("a key spending its whole minute writes its bucket ten times; one below its limit never", async () => {
    // 6,000 a minute (the default) spent in one burst: one write per 600 requests.
    expect(await writesFor(6_000, 6_000, 0)).toEqual({ passed: 6_000, writes: 10 });
    // 50 requests a second against a limit of 100 a second: the bucket stays near full.
    expect(await writesFor(6_000, 3_000, 20)).toEqual({ passed: 3_000, writes: 0 });
  });
});
