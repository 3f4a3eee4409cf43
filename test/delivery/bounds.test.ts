import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { endpointObject } from "../../src/durable/stubs";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import { call, json, signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";

const wallClock = { now: () => Date.now(), advance: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("bounded work", () => {
  it("rate_limit_per_second 5 spaces arrivals (real clock, the alarm refills the bucket)", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(
      admin,
      receiver.url,
      ["message.sent"],
      {},
      wallClock,
      { max_in_flight: 16, rate_limit_per_second: 5 },
      true,
    );
    for (let i = 0; i < 12; i++) await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    const deadline = Date.now() + 8_000;
    while ((await receiver.received()).length < 12 && Date.now() < deadline) await sleep(100);
    const times = (await receiver.received()).map((r) => r.received_at);
    expect(times).toHaveLength(12);
    // One second's burst (5), then one every 200 ms: 7 more take at least ~1.4 s.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_200);
    for (let i = 6; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(120);
  });

  it("a receiver streaming a huge body is cut after 1 KiB and the attempt recorded", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ stream_bytes: 512 * 1024 * 1024 });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const event = await publishEvent(admin.accountId, "message.sent");
    const started = Date.now();
    await endpoint.drain();
    expect(Date.now() - started).toBeLessThan(5_000);
    const [attempt] = await endpoint.stub().deliveries(10);
    expect(attempt).toMatchObject({ eventId: event.id, outcome: "delivered", statusCode: 200 });
    expect(attempt?.responseExcerpt).toBe("x".repeat(1024));
    let log = await receiver.received();
    for (let i = 0; i < 50 && !log[0]?.hung_up; i++) {
      await sleep(50);
      log = await receiver.received();
    }
    expect(log[0]?.hung_up).toBe(true);
    expect(log[0]?.streamed_bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("an alarm run stops at its time budget, re-arms, and the next run continues", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200], delay_ms: 30 });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      endpointRunBudgetMs: 100,
    });
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await publishEvent(admin.accountId, "message.sent")).id);
    expect(await receiver.received()).toHaveLength(0);
    await runInDurableObject<WebhookEndpointObject, void>(endpoint.stub(), (instance) => {
      instance.autoAlarm = true;
    });
    await endpoint.drain();
    const first = (await receiver.received()).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(15);
    // Nothing drives it from here but its own alarm, re-armed by the run that stopped.
    const deadline = Date.now() + 8_000;
    while ((await receiver.received()).length < 15 && Date.now() < deadline) await sleep(50);
    expect((await receiver.received()).map((r) => r.headers["webhook-id"])).toEqual(ids);
  });
});

describe("deleted endpoints", () => {
  it("leave a tombstone: a late enqueue is refused, nothing is sent, the object is not resurrected", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const snapshot = await json(
      await call(`/v1/webhooks/${endpoint.id}`, { cookie: admin.cookie }),
    );
    expect(snapshot.id).toBe(endpoint.id);
    const deleted = await call(`/v1/webhooks/${endpoint.id}`, {
      method: "DELETE",
      cookie: admin.cookie,
    });
    expect(deleted.status).toBeLessThan(300);
    // A publish that was in flight when the endpoint was deleted.
    const stub = endpointObject(env, endpoint.id);
    const refused = await runInDurableObject<WebhookEndpointObject, number>(
      stub,
      async (instance, state) => {
        const row = state.storage.sql
          .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'deleted_at'")
          .toArray();
        expect(row).toHaveLength(1);
        return instance.enqueue(
          {
            id: endpoint.id,
            accountId: admin.accountId,
            url: receiver.url,
            updatedAt: Date.now() + 60_000,
            active: true,
            events: ["message.sent"],
            secret: endpoint.secret,
            maxInFlight: 1,
            rateLimitPerSecond: null,
          } as never,
          [{ eventId: "evt_late", type: "message.sent", payload: "{}", createdAt: Date.now() }],
        );
      },
    );
    expect(refused).toBe(-1);
    await runInDurableObject<WebhookEndpointObject, void>(stub, (instance) => instance.drain());
    expect(await stub.stats()).toMatchObject({ pending_count: 0 });
    expect(await receiver.received()).toHaveLength(0);
    expect(await stub.deliveries(10)).toHaveLength(0);
  });
});

describe("signatures", () => {
  it("v1a (ed25519) beside v1 verifies with the whpk_ key in Node; a chosen secret's whsec_ form verifies with standardwebhooks defaults", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const created = await json(
      await call("/v1/webhooks", {
        cookie: admin.cookie,
        body: {
          url: receiver.url,
          events: ["message.sent"],
          secret: "my plain receiver secret",
          asymmetric_signing: true,
        },
      }),
    );
    expect(created.signing_public_key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(created.standard_secret).toBe(`whsec_${btoa("my plain receiver secret")}`);
    await receiver.control({ statuses: [200], verify_public_key: created.signing_public_key });
    await publishEvent(admin.accountId, "message.sent");
    await runInDurableObject<WebhookEndpointObject, void>(
      endpointObject(env, created.id),
      (instance) => instance.drain(),
    );
    const [delivery] = await receiver.received();
    expect(delivery?.headers["webhook-signature"]).toMatch(/^v1,\S+ v1a,\S+$/);
    expect(delivery?.v1a_valid).toBe(true);
    const payload = new Webhook(created.standard_secret).verify(delivery!.body, {
      "webhook-id": delivery!.headers["webhook-id"]!,
      "webhook-timestamp": delivery!.headers["webhook-timestamp"]!,
      "webhook-signature": delivery!.headers["webhook-signature"]!,
    });
    expect(payload).toMatchObject({ type: "message.sent" });

    const other = await json(
      await call("/v1/webhooks", {
        cookie: admin.cookie,
        // Another event type: only the first endpoint sends to this receiver.
        body: { url: receiver.url, events: ["contact.created"], asymmetric_signing: true },
      }),
    );
    expect(other.signing_public_key).not.toBe(created.signing_public_key);
    await receiver.control({ statuses: [200], verify_public_key: other.signing_public_key });
    await publishEvent(admin.accountId, "message.sent");
    await runInDurableObject<WebhookEndpointObject, void>(
      endpointObject(env, created.id),
      (instance) => instance.drain(),
    );
    const log = await receiver.received();
    // Signed with the first endpoint's key, checked against the second's: not valid.
    expect(log.at(-1)?.v1a_valid).toBe(false);

    const off = await json(
      await call(`/v1/webhooks/${created.id}`, {
        method: "PATCH",
        cookie: admin.cookie,
        body: { asymmetric_signing: false },
      }),
    );
    expect(off.signing_public_key).toBeNull();
  });
});

describe("backlog and storage", () => {
  it("warns admins once when the backlog passes ENDPOINT_BACKLOG_WARNING, drops nothing", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [500] });
    const watcher = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      endpointBacklogWarning: 3,
    });
    const other = await controlledEndpoint(admin, watcher.url, ["endpoint.backlog_warning"]);
    for (let i = 0; i < 7; i++) await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).pending_count).toBe(7);
    const notices = await json(await call("/v1/notifications", { cookie: admin.cookie }));
    expect(notices.data.map((n: { type: string }) => n.type).sort()).toEqual([
      "endpoint.backlog_warning",
      "endpoint.failed",
    ]);
    await other.drain();
    const warnings = (await watcher.received()).map((r) => JSON.parse(r.body));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      type: "endpoint.backlog_warning",
      data: { endpoint_id: endpoint.id, pending_count: 4 },
    });
  });

  it("a delivered row keeps no payload; replay re-sends the same bytes from the ledger", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const event = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    const payloads = await runInDurableObject<WebhookEndpointObject, string[]>(
      endpoint.stub(),
      (_instance, state) =>
        state.storage.sql
          .exec<{ payload: string }>("SELECT payload FROM queue")
          .toArray()
          .map((row) => row.payload),
    );
    expect(payloads).toEqual([""]);
    const replay = await call(`/v1/webhooks/${endpoint.id}/replay`, {
      cookie: admin.cookie,
      body: { since: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(await json(replay)).toMatchObject({ replayed: 1 });
    await endpoint.drain();
    const [first, second] = await receiver.received();
    expect(second?.headers["webhook-id"]).toBe(event.id);
    expect(second?.body).toBe(first?.body);
  });
});
