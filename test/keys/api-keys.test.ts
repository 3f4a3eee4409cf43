import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { accountObject as authorityFor } from "../../src/durable/stubs";
import { call, expectError, json, signup } from "../helpers";
import { createApiKey, REVOKED } from "../support/keys";

describe("API keys: lifecycle", () => {
  it("creates a key whose secret is shown once and works as a Bearer token", async () => {
    const admin = await signup();
    const response = await call("/v1/api-keys", {
      cookie: admin.cookie,
      body: { name: "CRM Integration", description: "Salesforce sync", environment: "production" },
    });
    expect(response.status).toBe(201);
    const created = await json(response);
    expect(created.key).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    expect(created).toMatchObject({
      name: "CRM Integration",
      description: "Salesforce sync",
      environment: "production",
      livemode: true,
      status: "active",
      last_used_at: null,
      rotation_due: false,
      created_by: admin.userId,
    });
    expect(created.id).toMatch(/^key_/);
    expect(created.scopes).toHaveLength(9);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created.masked).toBe(`${created.key.slice(0, 12)}…${created.key.slice(-4)}`);

    const whoami = await call("/v1/account", { bearer: created.key });
    expect(whoami.status).toBe(200);
    expect(await json(whoami)).toMatchObject({
      account: { id: admin.accountId },
      credential: { type: "api_key", id: created.id, livemode: true },
    });

    const fetched = await json(await call(`/v1/api-keys/${created.id}`, { cookie: admin.cookie }));
    expect(fetched).not.toHaveProperty("key");
    expect(JSON.stringify(fetched)).not.toContain(created.key);
  });

  it("lists keys with last use, never the secret", async () => {
    const admin = await signup();
    const used = await createApiKey(admin, { name: "used" });
    const unused = await createApiKey(admin, { name: "unused", environment: "test" });
    expect((await call("/v1/account", { bearer: used.key })).status).toBe(200);

    const response = await call("/v1/api-keys", { cookie: admin.cookie });
    const text = await response.text();
    expect(text).not.toContain(used.key);
    expect(text).not.toContain(unused.key);
    const page = JSON.parse(text);
    expect(page).toMatchObject({ has_more: false, next_cursor: null });
    expect(page.data.map((key: { id: string }) => key.id)).toEqual([unused.id, used.id]);
    expect(page.data[0]).toMatchObject({
      environment: "test",
      livemode: false,
      last_used_at: null,
    });
    expect(page.data[0].prefix).toMatch(/^sk_test_/);
    expect(Date.parse(page.data[1].last_used_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("flushes last use to D1 from the authority's alarm, not on every request", async () => {
    const admin = await signup();
    const { id, key } = await createApiKey(admin);
    for (let i = 0; i < 3; i++)
      expect((await call("/v1/account", { bearer: key })).status).toBe(200);
    const before = await env.DB.prepare("select last_used_at from api_keys where id = ?")
      .bind(id)
      .first<{ last_used_at: number | null }>();
    expect(before?.last_used_at).toBeNull();
    const stub = authorityFor(env, admin.accountId);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await env.DB.prepare("select last_used_at from api_keys where id = ?")
      .bind(id)
      .first<{ last_used_at: number | null }>();
    expect(after?.last_used_at).toBeGreaterThan(Date.now() - 60_000);
    expect(
      await runInDurableObject<AccountObject, Record<string, number>>(stub, (instance) =>
        instance.pendingLastUsed(),
      ),
    ).toEqual({});
  });

  it("rotates: the new secret works and the old one gets 401 on the very next request", async () => {
    const admin = await signup();
    const old = await createApiKey(admin, { name: "rotating", scopes: ["messages:read"] });
    const response = await call(`/v1/api-keys/${old.id}/rotate`, {
      cookie: admin.cookie,
      body: {},
    });
    expect(response.status).toBe(201);
    const rotated = await json(response);
    expect(rotated).toMatchObject({
      name: "rotating",
      scopes: ["messages:read"],
      rotated_from: old.id,
    });
    expect(rotated.key).not.toBe(old.key);
    await expectError(await call("/v1/account", { bearer: old.key }), 401, REVOKED);
    expect((await call("/v1/account", { bearer: rotated.key })).status).toBe(200);
    const list = await json(await call("/v1/api-keys", { cookie: admin.cookie }));
    expect(list.data.map((key: { id: string }) => key.id)).toEqual([rotated.id]);
  });

  it("revokes: the key gets 401 on the very next request and leaves the list", async () => {
    const admin = await signup();
    const { id, key } = await createApiKey(admin);
    expect((await call("/v1/account", { bearer: key })).status).toBe(200);
    const response = await call(`/v1/api-keys/${id}`, { method: "DELETE", cookie: admin.cookie });
    expect(response.status).toBe(200);
    expect((await json(response)).status).toBe("revoked");
    await expectError(await call("/v1/account", { bearer: key }), 401, REVOKED);
    expect((await json(await call("/v1/api-keys", { cookie: admin.cookie }))).data).toEqual([]);
    await expectError(await call(`/v1/api-keys/${id}`, { cookie: admin.cookie }), 404);
    await expectError(
      await call(`/v1/api-keys/${id}`, { method: "DELETE", cookie: admin.cookie }),
      404,
    );
  });

  it("revocation does not depend on KV: a stale KV entry still meets the authority's verdict", async () => {
    const admin = await signup();
    const { id, key } = await createApiKey(admin);
    const snapshot = await env.KEYS.list({ prefix: "apikey:" });
    const entries = await Promise.all(
      snapshot.keys.map(async (entry) => [entry.name, await env.KEYS.get(entry.name)] as const),
    );
    const mine = entries.find(([, value]) => value?.includes(id));
    expect(mine).toBeDefined();
    await call(`/v1/api-keys/${id}`, { method: "DELETE", cookie: admin.cookie });
    // Simulate another location whose KV still serves the pre-revocation entry.
    await env.KEYS.put(mine![0], mine![1]!);
    await expectError(await call("/v1/account", { bearer: key }), 401, REVOKED);
  });

  it("test keys authenticate with livemode false", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    expect(key).toMatch(/^sk_test_/);
    const whoami = await json(await call("/v1/account", { bearer: key }));
    expect(whoami.credential).toMatchObject({ type: "api_key", livemode: false });
  });

  it("keeps only the requested scopes, deduplicated", async () => {
    const admin = await signup();
    const { key, body } = await createApiKey(admin, {
      scopes: ["messages:read", "messages:read", "webhooks:write"],
    });
    expect(body.scopes).toEqual(["messages:read", "webhooks:write"]);
    const whoami = await json(await call("/v1/account", { bearer: key }));
    expect(whoami.credential.scopes.sort()).toEqual(["messages:read", "webhooks:write"]);
  });

  it("records who created, rotated and revoked each key", async () => {
    const admin = await signup();
    const { id } = await createApiKey(admin);
    const rotated = await json(
      await call(`/v1/api-keys/${id}/rotate`, { cookie: admin.cookie, body: {} }),
    );
    await call(`/v1/api-keys/${rotated.id}`, { method: "DELETE", cookie: admin.cookie });
    const audit = await json(await call("/v1/audit-events", { cookie: admin.cookie }));
    expect(
      audit.data.map((event: { action: string; target_id: string; actor_user_id: string }) => [
        event.action,
        event.target_id,
        event.actor_user_id,
      ]),
    ).toEqual([
      ["api_key.revoked", rotated.id, admin.userId],
      ["api_key.rotated", id, admin.userId],
      ["api_key.created", id, admin.userId],
    ]);
    expect(audit.data[1].metadata).toMatchObject({
      new_key_id: rotated.id,
      grace_period_seconds: 0,
    });
  });

  it("never writes a full secret to a log line", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(capture),
    );
    try {
      const admin = await signup();
      const { id, key } = await createApiKey(admin);
      await call("/v1/account", { bearer: key });
      const rotated = await json(
        await call(`/v1/api-keys/${id}/rotate`, { cookie: admin.cookie, body: {} }),
      );
      await call("/v1/account", { bearer: key });
      await call("/v1/account", { bearer: `${key}x` });
      for (const line of lines) {
        expect(line).not.toContain(key);
        expect(line).not.toContain(rotated.key);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
