import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { generateSecret } from "../../src/keys/secret";
import { call, json, PASSWORD, signup } from "../helpers";
import { harness } from "../http/harness";
import { createApiKey } from "../support/keys";
import { settleAccount } from "../support/ledger";
import { newReceiver } from "../support/receiver";

/**
 * Logs are read by more people (and systems) than the database: no secret may reach them. This
 * drives the flows that handle secrets, including their failure paths, and searches every line
 * the worker and its objects wrote for each secret it saw.
 */
const METHODS = ["log", "info", "warn", "error", "debug"] as const;
let spies: MockInstance[] = [];
const logged = () =>
  spies
    .flatMap((spy) => spy.mock.calls)
    .map((args) =>
      args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "),
    )
    .join("\n");

beforeEach(() => {
  spies = METHODS.map((method) => vi.spyOn(console, method));
});
afterEach(() => {
  for (const spy of spies) spy.mockRestore();
});

describe("log redaction", () => {
  it("passwords, session tokens, API keys and webhook secrets never appear in any log line", async () => {
    const admin = await signup();
    const token = admin.cookie.split("=")[1] ?? "";
    // A failed log-in (its password), a wrong key, a revoked key, a well-formed unknown key.
    await call("/v1/auth/login", { body: { email: admin.email, password: "wrong password 42!" } });
    const key = await createApiKey(admin, { environment: "test" });
    const unknownKey = generateSecret("test");
    await call("/v1/messages", { bearer: unknownKey });
    await call("/v1/messages", { bearer: `${key.key.slice(0, -1)}Z` });
    // A webhook endpoint (its secret) that first fails, then receives a signed delivery.
    const receiver = await newReceiver({ statuses: [500, 200] });
    const endpoint = await json(
      await call("/v1/webhooks", {
        cookie: admin.cookie,
        body: { url: receiver.url, events: ["message.sent"] },
      }),
    );
    const sent = await call("/v1/messages", {
      bearer: key.key,
      body: { to: "+15005550123", body: `secret-bearing body ${key.key}` },
      headers: { "idempotency-key": "log-redaction" },
    });
    expect(sent.status).toBe(202);
    await settleAccount(admin.accountId);
    const rotated = await json(
      await call(`/v1/api-keys/${key.id}/rotate`, { cookie: admin.cookie, body: {} }),
    );
    await call(`/v1/api-keys/${key.id}`, { method: "DELETE", cookie: admin.cookie });

    const text = logged();
    const secrets = {
      password: PASSWORD,
      failedPassword: "wrong password 42!",
      sessionToken: token,
      apiKey: key.key,
      rotatedKey: rotated.key as string,
      unknownKey,
      webhookSecret: endpoint.secret as string,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(text.includes(secret), `${name} leaked into the logs`).toBe(false);
    }
  });

  it("an unexpected failure logs its reason server-side and answers a bare 500 without it", async () => {
    const admin = await signup();
    const broken = {
      prepare() {
        throw new Error("internal-reason: table users is locked at /srv/db.sqlite");
      },
      batch() {
        throw new Error("internal-reason: table users is locked at /srv/db.sqlite");
      },
    };
    const response = await harness({ vars: { DB: broken } }).send("/v1/me", {
      cookie: admin.cookie,
    });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toContain("internal-reason");
    expect(body).not.toMatch(/\.(ts|js):\d+/);
    expect(JSON.parse(body).error).toMatchObject({ code: "internal_error" });
    expect(logged()).toContain("internal-reason");
  });
});
