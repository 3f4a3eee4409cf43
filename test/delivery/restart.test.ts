import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookEndpoint } from "../../src/db/schema";
import type { QueuedEvent } from "../../src/delivery/queue";
import type { AccountObject } from "../../src/durable/account-object";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import { signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { accountStub } from "../support/ledger";
import { newReceiver } from "../support/receiver";

/**
 * Found by the crash-restart test: a process killed while an alarm handler ran left an endpoint
 * with a pending event and no alarm, and a stats read woke the object without re-arming it, so
 * the event (and with max_in_flight 1 everything behind it) waited forever. Whatever wakes an
 * object with work now re-arms it.
 */
describe("objects re-arm after a restart that lost their alarm", () => {
  it("an endpoint with a pending event gets its alarm back on the first call after a restart", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [504] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).pending_count).toBe(1);
    // The crash: the alarm is gone, the pending row stays.
    await runInDurableObject<WebhookEndpointObject, void>(endpoint.stub(), (_, state) =>
      state.storage.deleteAlarm(),
    );
    await abortAllDurableObjects();
    expect((await endpoint.stats()).pending_count).toBe(1);
    const alarm = await runInDurableObject<WebhookEndpointObject, number | null>(
      endpoint.stub(),
      (_, state) => state.storage.getAlarm(),
    );
    expect(alarm).not.toBeNull();
  });

  it("an endpoint with nothing pending stays without an alarm", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).pending_count).toBe(0);
    await runInDurableObject<WebhookEndpointObject, void>(endpoint.stub(), (_, state) =>
      state.storage.deleteAlarm(),
    );
    await abortAllDurableObjects();
    await endpoint.stats();
    const alarm = await runInDurableObject<WebhookEndpointObject, number | null>(
      endpoint.stub(),
      (_, state) => state.storage.getAlarm(),
    );
    expect(alarm).toBeNull();
  });

  it("an account object with outbox work re-arms on wake", async () => {
    const admin = await signup();
    await publishEvent(admin.accountId, "message.sent");
    await runInDurableObject<AccountObject, void>(accountStub(admin.accountId), (_, state) =>
      state.storage.deleteAlarm(),
    );
    await abortAllDurableObjects();
    const alarm = await runInDurableObject<AccountObject, number | null>(
      accountStub(admin.accountId),
      (_, state) => state.storage.getAlarm(),
    );
    expect(alarm).not.toBeNull();
  });
});

/**
 * Also found by the crash-restart test: an account object that restarts before moving its
 * subscription cursor hands the same batch over again. The queue ignores the repeats, but it
 * counted them as pending (SQLite's rowsWritten is 1 for an insert that hit the conflict), so the
 * endpoint reported `pending_count: 1` forever with nothing left to send.
 */
describe("a repeated fan-out batch", () => {
  it("adds nothing and counts nothing: pending_count stays exact", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).pending_count).toBe(0);
    const added = await runInDurableObject<WebhookEndpointObject, number>(
      endpoint.stub(),
      async (instance, state) => {
        const sql = state.storage.sql;
        const events = sql
          .exec<{ event_id: string; type: string; payload: string; created_at: number }>(
            "SELECT event_id, type, payload, created_at FROM queue",
          )
          .toArray()
          .map(
            (row): QueuedEvent => ({
              eventId: row.event_id,
              type: row.type,
              payload: row.payload,
              createdAt: row.created_at,
            }),
          );
        const meta = sql
          .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'endpoint'")
          .one();
        const resource = JSON.parse(meta.value) as WebhookEndpoint;
        return instance.enqueue(resource, events);
      },
    );
    expect(added).toBe(0);
    expect((await endpoint.stats()).pending_count).toBe(0);
    await abortAllDurableObjects();
    expect((await endpoint.stats()).pending_count).toBe(0);
  });
});
