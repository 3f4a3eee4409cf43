import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, json, signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";

const HOUR = 3_600_000;

describe("delivery engine", () => {
  it("retries transient 504s with backoff and delivers on the 4th attempt with the same webhook-id", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [504, 504, 504, 200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.delivered"], {
      retryBaseMs: 5000,
    });
    const event = await publishEvent(admin.accountId, "message.delivered");

    await endpoint.drain();
    expect((await endpoint.stats()).status).toBe("retrying");
    for (const wait of [5_000, 10_000, 20_000]) {
      endpoint.clock.advance(wait - 1);
      await endpoint.drain();
      const before = (await receiver.received()).length;
      endpoint.clock.advance(1);
      await endpoint.drain();
      expect((await receiver.received()).length).toBe(before + 1);
    }
    const received = await receiver.received();
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([event.id]));
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(await endpoint.stats()).toMatchObject({
      status: "active",
      pending_count: 0,
      last_error: "HTTP 504",
    });

    const log = await json(
      await call(`/v1/webhooks/${endpoint.id}/deliveries`, { cookie: admin.cookie }),
    );
    expect(log.data.map((d: { attempt: number }) => d.attempt).sort()).toEqual([1, 2, 3, 4]);
    expect(log.data.filter((d: { outcome: string }) => d.outcome === "transient")).toHaveLength(3);
  });

  it("honours Retry-After on 429", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [429, 200], headers: { "retry-after": "120" } });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    endpoint.clock.advance(119_000);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(1);
    endpoint.clock.advance(1_000);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(2);
    expect((await endpoint.stats()).pending_count).toBe(0);
  });

  it("classifies a timeout as transient", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200], delay_ms: 400 });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      webhookTimeoutMs: 100,
    });
    const event = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    const [attempt] = await endpoint.stub().deliveries(10);
    expect(attempt).toMatchObject({ eventId: event.id, outcome: "transient", statusCode: null });
    expect(attempt?.error).toMatch(/Timed out after 100 ms/);
    expect(await endpoint.stats()).toMatchObject({ status: "retrying", pending_count: 1 });
  });

  it("gives up on an event after the max elapsed time and keeps it for replay", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [504] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      retryBaseMs: 1000,
      retryMaxElapsedMs: 60_000,
    });
    const event = await publishEvent(admin.accountId, "message.sent");
    for (let i = 0; i < 12; i++) {
      await endpoint.drain();
      endpoint.clock.advance(30_000);
    }
    const [state] = await endpoint.stub().eventStates([event.id]);
    expect(state?.state).toBe("failed");
    expect(await endpoint.stats()).toMatchObject({ status: "active", pending_count: 0 });
    const attempts = (await receiver.received()).length;
    endpoint.clock.advance(HOUR);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(attempts);

    await receiver.control({ statuses: [200] });
    const replay = await call(`/v1/webhooks/${endpoint.id}/replay`, {
      cookie: admin.cookie,
      body: { since: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(await json(replay)).toEqual({ replayed: 1, has_more: false });
    await endpoint.drain();
    expect((await endpoint.stub().eventStates([event.id]))[0]?.state).toBe("delivered");
  });

  it("a fatal 500 fails the endpoint: queueing continues, hourly probes, recovery drains in order", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [500] });
    const endpoint = await controlledEndpoint(admin, receiver.url, [
      "message.sent",
      "message.delivered",
    ]);
    const first = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect(await endpoint.stats()).toMatchObject({
      status: "failed",
      pending_count: 1,
      last_error: "HTTP 500",
    });
    expect(await receiver.received()).toHaveLength(1);

    const later = [];
    for (let i = 0; i < 5; i++)
      later.push(await publishEvent(admin.accountId, i % 2 ? "message.sent" : "message.delivered"));
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(1);
    expect((await endpoint.stats()).pending_count).toBe(6);

    endpoint.clock.advance(HOUR);
    await endpoint.drain();
    const probes = await receiver.received();
    expect(probes).toHaveLength(2);
    expect(probes[1]?.headers["webhook-id"]).toBe(first.id);

    await receiver.control({ statuses: [200] });
    endpoint.clock.advance(HOUR);
    await endpoint.drain();
    const all = await receiver.received();
    expect(all.slice(2).map((r) => r.headers["webhook-id"])).toEqual([
      first.id,
      ...later.map((e) => e.id),
    ]);
    expect(await endpoint.stats()).toMatchObject({ status: "active", pending_count: 0 });

    const notices = await json(await call("/v1/notifications", { cookie: admin.cookie }));
    expect(notices.data.map((n: { type: string }) => n.type)).toEqual([
      "endpoint.recovered",
      "endpoint.failed",
    ]);
    const shown = await json(await call(`/v1/webhooks/${endpoint.id}`, { cookie: admin.cookie }));
    expect(shown).toMatchObject({ status: "active", pending_count: 0 });
    expect(shown.last_success_at).not.toBeNull();
  });

  it("a settings update (PATCH) retries a failed endpoint at once", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [500] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).status).toBe("failed");
    await receiver.control({ statuses: [200] });
    const patched = await call(`/v1/webhooks/${endpoint.id}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { description: "fixed" },
    });
    expect((await json(patched)).status).toBe("active");
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(2);
    expect(await endpoint.stats()).toMatchObject({ status: "active", pending_count: 0 });
  });

  it("410 Gone disables the endpoint, notifies once and stops new events from queueing", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [410] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    const shown = await json(await call(`/v1/webhooks/${endpoint.id}`, { cookie: admin.cookie }));
    expect(shown).toMatchObject({ status: "disabled", active: false });
    await publishEvent(admin.accountId, "message.sent");
    expect((await endpoint.stats()).pending_count).toBe(1);
    endpoint.clock.advance(2 * HOUR);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(1);
    const notices = await json(await call("/v1/notifications", { cookie: admin.cookie }));
    expect(notices.data.map((n: { type: string }) => n.type)).toEqual(["endpoint.disabled"]);
  });

  it("an object aborted mid-backlog (as in a crash) resumes with nothing lost", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [500] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["contact.created"]);
    const published = [];
    for (let i = 0; i < 8; i++)
      published.push(await publishEvent(admin.accountId, "contact.created"));
    await endpoint.drain();
    expect((await endpoint.stats()).pending_count).toBe(8);

    await abortAllDurableObjects();
    await endpoint.control();
    expect(await endpoint.stats()).toMatchObject({ status: "failed", pending_count: 8 });
    // Enqueueing arms a real alarm, so some of the first events may already have been tried.
    const triedBefore = (await receiver.received()).length;
    await receiver.control({ statuses: [200] });
    endpoint.clock.advance(HOUR);
    await endpoint.drain();
    const ids = (await receiver.received()).slice(triedBefore).map((r) => r.headers["webhook-id"]);
    expect(ids).toEqual(published.map((e) => e.id));
    expect((await endpoint.stats()).pending_count).toBe(0);
  });

  it("fans out to several endpoints by subscription, and test events are flagged livemode false", async () => {
    const admin = await signup();
    const messages = await newReceiver();
    const contacts = await newReceiver();
    const a = await controlledEndpoint(admin, messages.url, ["message.sent", "message.delivered"]);
    const b = await controlledEndpoint(admin, contacts.url, [
      "contact.opted_out",
      "message.delivered",
    ]);
    // Another account subscribed to the same type, before anything is published.
    const other = await signup();
    const untouched = await newReceiver();
    const stranger = await controlledEndpoint(other, untouched.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await publishEvent(admin.accountId, "message.delivered", false);
    await publishEvent(admin.accountId, "contact.opted_out");
    await publishEvent(admin.accountId, "phone_call.completed");
    await a.drain();
    await b.drain();
    await stranger.drain();
    const bodies = async (r: typeof messages) =>
      (await r.received()).map((x) => JSON.parse(x.body) as { type: string; livemode: boolean });
    expect((await bodies(messages)).map((e) => [e.type, e.livemode])).toEqual([
      ["message.sent", true],
      ["message.delivered", false],
    ]);
    expect((await bodies(contacts)).map((e) => [e.type, e.livemode])).toEqual([
      ["message.delivered", false],
      ["contact.opted_out", true],
    ]);
    expect(await untouched.received()).toHaveLength(0);
    expect((await stranger.stats()).pending_count).toBe(0);
  });
});

describe("failed endpoint probes", () => {
  it("a probe that fails transiently waits for the next probe instead of looping", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [500] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).status).toBe("failed");
    await receiver.control({ statuses: [504] });
    endpoint.clock.advance(HOUR);
    await endpoint.drain();
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(2);
    endpoint.clock.advance(HOUR - 1);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(2);
    endpoint.clock.advance(1);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(3);
    expect((await endpoint.stats()).status).toBe("failed");
  });
});
