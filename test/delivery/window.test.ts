import { describe, expect, it } from "vitest";
import type { EventType } from "../../src/events/catalog";
import { call, json, signup, type TestAccount } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { newReceiver, type ReceivedRequest } from "../support/receiver";

const HOUR = 3_600_000;
const OPERATIONAL: EventType[] = ["endpoint.failed", "endpoint.recovered", "endpoint.disabled"];

/** Most requests the receiver was answering at one moment. */
function maxOverlap(received: ReceivedRequest[]): number {
  let max = 0;
  for (const request of received) {
    const open = received.filter(
      (other) =>
        other.received_at <= request.received_at &&
        (other.responded_at ?? other.received_at) > request.received_at,
    ).length;
    max = Math.max(max, open);
  }
  return max;
}

async function publishMany(admin: TestAccount, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await publishEvent(admin.accountId, "message.sent")).id);
  return ids;
}

describe("sliding window against the loopback receiver", () => {
  for (const window of [1, 4, 16]) {
    it(`window ${window}: ${window === 1 ? "strict order" : "sends overlap, oldest first"}, nothing lost`, async () => {
      const admin = await signup();
      const receiver = await newReceiver({ statuses: [200], delay_ms: 40 });
      const endpoint = await controlledEndpoint(
        admin,
        receiver.url,
        ["message.sent"],
        {},
        undefined,
        { max_in_flight: window },
      );
      expect(endpoint.resource.max_in_flight).toBe(window);
      const ids = await publishMany(admin, 24);
      await endpoint.drain();
      const received = await receiver.received();
      expect(received.map((r) => r.headers["webhook-id"]).sort()).toEqual([...ids].sort());
      const overlap = maxOverlap(received);
      if (window === 1) {
        expect(received.map((r) => r.headers["webhook-id"])).toEqual(ids);
        expect(overlap).toBe(1);
      } else {
        expect(overlap).toBeGreaterThan(1);
        expect(overlap).toBeLessThanOrEqual(window);
        // Dispatch is oldest first: the first window's worth goes out before any later event.
        const first = new Set(received.slice(0, window).map((r) => r.headers["webhook-id"]));
        expect(first).toEqual(new Set(ids.slice(0, window)));
      }
      expect(await endpoint.stats()).toMatchObject({ status: "active", pending_count: 0 });
    });
  }

  it("a fatal answer inside a full window pauses at once: one notice, one operational event, probe, recovery, nothing lost", async () => {
    const admin = await signup();
    // The third request to arrive is answered 500 at once, while the other three of the full
    // window are still out; they finish, nothing else starts.
    const receiver = await newReceiver({
      statuses: [200, 200, 500, 200, 200],
      delays_ms: [150, 150, 5, 150, 0],
    });
    const watcher = await newReceiver();
    const endpoint = await controlledEndpoint(
      admin,
      receiver.url,
      // It subscribes to operational events too: it must never receive its own.
      ["message.sent", ...OPERATIONAL],
      {},
      undefined,
      { max_in_flight: 4 },
    );
    const other = await controlledEndpoint(admin, watcher.url, OPERATIONAL);
    const ids = await publishMany(admin, 12);
    await endpoint.drain();

    expect(await receiver.received()).toHaveLength(4);
    expect(await endpoint.stats()).toMatchObject({ status: "failed", pending_count: 9 });
    const notices = async () =>
      (await json(await call("/v1/notifications", { cookie: admin.cookie }))).data.map(
        (n: { type: string }) => n.type,
      );
    expect(await notices()).toEqual(["endpoint.failed"]);

    // Still paused before the probe is due, however often it drains.
    endpoint.clock.advance(HOUR - 1);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(4);

    await other.drain();
    const events = async () => (await watcher.received()).map((r) => JSON.parse(r.body));
    const [failed] = await events();
    expect(failed).toMatchObject({
      type: "endpoint.failed",
      livemode: true,
      // pending_count is taken at the transition: the three still outstanding were pending then.
      data: { endpoint_id: endpoint.id, url: receiver.url, status: "failed", pending_count: 12 },
    });
    expect(failed.data.last_error).toBe("HTTP 500");

    endpoint.clock.advance(1);
    await endpoint.drain();
    const all = await receiver.received();
    // The probe goes alone (the oldest pending event), then the backlog drains.
    expect(all[4]?.headers["webhook-id"]).toBe(all[2]?.headers["webhook-id"]);
    const delivered = new Set(all.map((r) => r.headers["webhook-id"]));
    expect(delivered).toEqual(new Set(ids));
    expect(all.every((r) => JSON.parse(r.body).type === "message.sent")).toBe(true);
    expect(await endpoint.stats()).toMatchObject({ status: "active", pending_count: 0 });
    expect(await notices()).toEqual(["endpoint.recovered", "endpoint.failed"]);

    await other.drain();
    expect((await events()).map((e) => e.type)).toEqual(["endpoint.failed", "endpoint.recovered"]);
    // Its own notices never reach the failing endpoint, however long it drains.
    await endpoint.drain();
    expect((await receiver.received()).length).toBe(all.length);
  });
});

describe("per-endpoint settings", () => {
  it("validates max_in_flight and rate_limit_per_second on create and PATCH (422 outside)", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    for (const bad of [
      { max_in_flight: 0 },
      { max_in_flight: 51 },
      { max_in_flight: 2.5 },
      { rate_limit_per_second: 0 },
      { rate_limit_per_second: 10_001 },
      { rate_limit_per_second: "5" },
    ]) {
      const response = await call("/v1/webhooks", {
        cookie: admin.cookie,
        body: { url: receiver.url, events: ["message.sent"], ...bad },
      });
      expect(response.status).toBe(422);
    }
    const created = await json(
      await call("/v1/webhooks", {
        cookie: admin.cookie,
        body: { url: receiver.url, events: ["message.sent"] },
      }),
    );
    expect(created).toMatchObject({ max_in_flight: 1, rate_limit_per_second: null });
    const patched = await call(`/v1/webhooks/${created.id}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { max_in_flight: 50, rate_limit_per_second: 10_000 },
    });
    expect(await json(patched)).toMatchObject({ max_in_flight: 50, rate_limit_per_second: 10_000 });
    const bad = await call(`/v1/webhooks/${created.id}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { max_in_flight: 100 },
    });
    expect(bad.status).toBe(422);
    const cleared = await call(`/v1/webhooks/${created.id}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { rate_limit_per_second: null },
    });
    expect(await json(cleared)).toMatchObject({ max_in_flight: 50, rate_limit_per_second: null });
  });
});
