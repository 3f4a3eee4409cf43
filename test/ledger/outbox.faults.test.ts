import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { endpointObject } from "../../src/durable/stubs";
import type { EndpointQueue } from "../../src/ledger/dispatch";
import { ManualClock } from "../../src/services";
import { call, expectError, json, signup, type TestAccount } from "../helpers";
import { controlledEndpoint } from "../support/delivery";
import { createApiKey } from "../support/keys";
import { accountStub, countLedgerRows, settleAccount } from "../support/ledger";
import { runCarrier } from "../support/messaging";
import { newReceiver } from "../support/receiver";

/**
 * Fault injection at every step from the API call to the endpoint queues (SPEC §6): the commit,
 * the hand-off to 1, k and n of n endpoint objects, the carrier, and the object being reset
 * between commit and fan-out. Afterwards every committed change's events are in every subscribed
 * endpoint's log under one id each, and nothing uncommitted produced an event.
 */

type Envelope = { id: string; type: string; data: { id?: string; contact?: { id: string } } };

const MESSAGE_EVENTS = ["message.sent", "message.delivered", "message.received"] as const;
const CONTACT_EVENTS = ["contact.created", "contact.opted_out", "contact.opted_in"] as const;

function seams(accountId: string, apply: (instance: AccountObject) => void) {
  return runInDurableObject<AccountObject, void>(accountStub(accountId), apply);
}

/** The account object's next commit throws (and so rolls back); later ones succeed. */
function failNextCommit(accountId: string, reason = "injected") {
  let failures = 1;
  return seams(accountId, (instance) => {
    instance.faults.inCommit = () => {
      if (failures-- > 0) throw new Error(reason);
    };
  });
}

/** A clock far enough ahead that every fan-out and hand-off retry is due. */
const later = (minutes: number) => (instance: AccountObject) => {
  instance.clock = new ManualClock(Date.now() + minutes * 60_000);
};

async function received(receiver: Awaited<ReturnType<typeof newReceiver>>) {
  return (await receiver.received()).map((request) => JSON.parse(request.body) as Envelope);
}

/** The account's events as the API lists them (one id per happening). */
async function listedEvents(admin: TestAccount): Promise<Envelope[]> {
  const page = await json(await call("/v1/events?limit=100", { cookie: admin.cookie }));
  return page.data as Envelope[];
}

/** One id per (type, object): a second id for the same happening would show up here. */
function happenings(events: Envelope[]) {
  const ids = new Map<string, Set<string>>();
  for (const event of events) {
    const key = `${event.type}:${event.data.id ?? event.data.contact?.id}`;
    ids.set(key, (ids.get(key) ?? new Set()).add(event.id));
  }
  return ids;
}

function expectEveryEventOnce(listed: Envelope[], arrived: Envelope[], types: readonly string[]) {
  const expected = listed.filter((event) => types.includes(event.type)).map((e) => e.id);
  expect(expected.length).toBeGreaterThan(0);
  expect(new Set(arrived.map((event) => event.id))).toEqual(new Set(expected));
  for (const ids of happenings(arrived).values()) expect(ids.size).toBe(1);
}

describe("ledger faults: the commit", () => {
  it("a failed transaction leaves neither the change nor an event; the retry with its key commits once", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, [...CONTACT_EVENTS]);
    const { key } = await createApiKey(admin, { environment: "test" });
    await failNextCommit(admin.accountId, "injected: storage write failed");
    const headers = { "idempotency-key": "contact-once" };
    const body = { phone: "+15555550401", name: "Ada" };
    const failed = await call("/v1/contacts", { bearer: key, headers, body });
    await expectError(failed, 503, "unavailable");
    expect(failed.headers.get("retry-after")).toBe("1");
    expect(await countLedgerRows(admin.accountId, "contacts")).toBe(0);
    expect(await countLedgerRows(admin.accountId, "events")).toBe(0);
    expect(await countLedgerRows(admin.accountId, "idempotency")).toBe(0);

    const first = await call("/v1/contacts", { bearer: key, headers, body });
    expect(first.status).toBe(201);
    const again = await call("/v1/contacts", { bearer: key, headers, body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await json(again)).id).toBe((await json(first)).id);

    await endpoint.drain();
    const arrived = await received(receiver);
    expect(arrived.map((event) => event.type)).toEqual(["contact.created"]);
    expectEveryEventOnce(await listedEvents(admin), arrived, CONTACT_EVENTS);
  });

  it("an inbound STOP whose opt-out write fails stores nothing: no message.received without the opt-out", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    await failNextCommit(admin.accountId, "injected");
    const stop = { from: "+15555550402", body: "STOP" };
    await expectError(
      await call("/v1/test-helpers/inbound-messages", { bearer: key, body: stop }),
      503,
    );
    expect(await countLedgerRows(admin.accountId, "messages")).toBe(0);
    expect(await countLedgerRows(admin.accountId, "contacts")).toBe(0);
    expect(await listedEvents(admin)).toEqual([]);
  });
});

describe("ledger faults: fan-out to endpoint objects", () => {
  it("endpoint 1, then k, then n of n refusing their batches: every endpoint ends with every event, one id each", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const receivers = await Promise.all([newReceiver(), newReceiver(), newReceiver()]);
    const endpoints = [];
    for (const receiver of receivers) {
      endpoints.push(await controlledEndpoint(admin, receiver.url, [...MESSAGE_EVENTS]));
    }
    const failing = new Set<string>();
    await seams(admin.accountId, (instance) => {
      instance.faults.endpointQueue = (endpointId): EndpointQueue =>
        failing.has(endpointId)
          ? { enqueue: () => Promise.reject(new Error("injected: endpoint object down")) }
          : endpointObject(env, endpointId);
    });

    const send = async (to: string) => {
      const response = await call("/v1/messages", { bearer: key, body: { to, body: "hi" } });
      expect(response.status).toBe(202);
      await settleAccount(admin.accountId);
    };
    failing.add(endpoints[0]!.id);
    await send("+15555550411");
    failing.add(endpoints[1]!.id);
    await send("+15555550412");
    failing.add(endpoints[2]!.id);
    await send("+15555550413");
    await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550414", body: "hello" },
    });
    await settleAccount(admin.accountId);
    // Nothing fanned out while all three were down, but everything is committed: three
    // message.sent, and the inbound's contact.created and message.received.
    expect((await listedEvents(admin)).length).toBe(5);

    failing.clear();
    await settleAccount(admin.accountId, later(5));
    await runCarrier(admin.accountId, false);
    await settleAccount(admin.accountId, later(10));
    for (const endpoint of endpoints) await endpoint.drain();

    const listed = await listedEvents(admin);
    expect(listed.filter((event) => event.type === "message.delivered")).toHaveLength(3);
    for (const receiver of receivers) {
      expectEveryEventOnce(listed, await received(receiver), MESSAGE_EVENTS);
    }
  });

  it("an object reset between commit and fan-out loses nothing: its alarm hands the outbox over", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, [...CONTACT_EVENTS]);
    const { key } = await createApiKey(admin, { environment: "test" });
    await seams(admin.accountId, (instance) => {
      instance.faults.endpointQueue = () => ({
        enqueue: () => Promise.reject(new Error("injected: never reached")),
      });
    });
    for (const phone of ["+15555550421", "+15555550422", "+15555550423"]) {
      expect((await call("/v1/contacts", { bearer: key, body: { phone } })).status).toBe(201);
    }
    // The object dies with its outbox still unsent; the restarted one has no faults.
    await abortAllDurableObjects();
    await endpoint.control();
    expect(await runDurableObjectAlarm(accountStub(admin.accountId))).toBe(true);
    await settleAccount(admin.accountId, later(5));
    await endpoint.drain();
    const arrived = await received(receiver);
    expect(arrived.filter((event) => event.type === "contact.created")).toHaveLength(3);
    expectEveryEventOnce(await listedEvents(admin), arrived, CONTACT_EVENTS);
  });

  it("an inbound STOP with every endpoint down still opts the contact out, and its events follow", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, [
      "message.received",
      ...CONTACT_EVENTS,
    ]);
    const { key } = await createApiKey(admin, { environment: "test" });
    let down = true;
    await seams(admin.accountId, (instance) => {
      instance.faults.endpointQueue = (endpointId): EndpointQueue =>
        down
          ? { enqueue: () => Promise.reject(new Error("injected")) }
          : endpointObject(env, endpointId);
    });
    const stop = await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550431", body: "STOP" },
    });
    expect(stop.status).toBe(201);
    const contacts = await json(await call("/v1/contacts?opted_out=true", { bearer: key }));
    expect(contacts.data.map((c: { phone: string }) => c.phone)).toEqual(["+15555550431"]);
    await expectError(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550431", body: "x" } }),
      422,
      "contact_opted_out",
    );

    down = false;
    await settleAccount(admin.accountId, later(5));
    await endpoint.drain();
    const arrived = await received(receiver);
    expect(arrived.map((event) => event.type).sort()).toEqual(
      ["contact.created", "contact.opted_out", "message.received"].sort(),
    );
    expectEveryEventOnce(await listedEvents(admin), arrived, [
      "message.received",
      ...CONTACT_EVENTS,
    ]);
  });
});

describe("ledger faults: the carrier", () => {
  it("a retried POST /v1/messages with its key after a failed hand-off sends one SMS under one event id", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, [...MESSAGE_EVENTS]);
    const { key } = await createApiKey(admin, { environment: "test" });
    const handOffs: string[] = [];
    let carrierDown = true;
    await seams(admin.accountId, (instance) => {
      instance.faults.carrier = () => ({
        name: "simulated",
        async sendMessage(message) {
          handOffs.push(message.id);
          if (carrierDown) throw new Error("injected: carrier unreachable");
          return { carrierSid: `SMfake${message.id.slice(4)}` };
        },
        startCall: () => Promise.reject(new Error("unused")),
      });
    });
    const request = {
      bearer: key,
      headers: { "idempotency-key": "order-77" },
      body: { to: "+15555550441", body: "Your order shipped" },
    };
    const first = await json(await call("/v1/messages", request));
    expect(first.status).toBe("queued");
    await settleAccount(admin.accountId);
    // The client never saw the answer and retries: same message, nothing new committed.
    const retry = await call("/v1/messages", request);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect((await json(retry)).id).toBe(first.id);
    expect(await countLedgerRows(admin.accountId, "messages")).toBe(1);

    carrierDown = false;
    await settleAccount(admin.accountId, later(5));
    await settleAccount(admin.accountId, later(10));
    expect(handOffs).toEqual([first.id, first.id]);
    const message = await json(await call(`/v1/messages/${first.id}`, { bearer: key }));
    expect(message).toMatchObject({ status: "sent" });

    await endpoint.drain();
    const arrived = await received(receiver);
    expect(arrived.map((event) => event.type)).toEqual(["message.sent"]);
    expectEveryEventOnce(await listedEvents(admin), arrived, MESSAGE_EVENTS);
  });

  it("a failed commit of the send itself: the retry with the same key creates the one message", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    await failNextCommit(admin.accountId, "injected");
    const request = {
      bearer: key,
      headers: { "idempotency-key": "order-78" },
      body: { to: "+15555550442", body: "hello" },
    };
    await expectError(await call("/v1/messages", request), 503, "unavailable");
    expect(await countLedgerRows(admin.accountId, "messages")).toBe(0);
    const created = await json(await call("/v1/messages", request));
    const replayed = await json(await call("/v1/messages", request));
    expect(replayed.id).toBe(created.id);
    expect(await runCarrier(admin.accountId, false)).toBe(1);
    const events = await listedEvents(admin);
    expect(events.map((event) => event.type).sort()).toEqual(["message.delivered", "message.sent"]);
  });
});

describe("ledger isolation", () => {
  it("an account's object refuses to act for another account", async () => {
    const owner = await signup();
    const other = await signup();
    await createApiKey(owner, { environment: "test" });
    const refusal = await accountStub(owner.accountId)
      .findEvent(other.accountId, "evt_x")
      .then(
        () => null,
        (error: unknown) => String(error),
      );
    expect(refusal).toMatch(/another account id/);
    expect(await accountStub(owner.accountId).findEvent(owner.accountId, "evt_x")).toBeNull();
  });

  it("test and live data stay apart inside the one object", async () => {
    const admin = await signup();
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    const sent = await json(
      await call("/v1/messages", { bearer: testKey, body: { to: "+15555550451", body: "t" } }),
    );
    const contact = await json(
      await call("/v1/contacts", { bearer: liveKey, body: { phone: "+15555550452" } }),
    );
    await expectError(await call(`/v1/messages/${sent.id}`, { bearer: liveKey }), 404);
    await expectError(await call(`/v1/contacts/${contact.id}`, { bearer: testKey }), 404);
    expect((await json(await call("/v1/messages", { bearer: liveKey }))).data).toEqual([]);
    await settleAccount(admin.accountId);
    const liveEvents = await json(await call("/v1/events", { bearer: liveKey }));
    expect(liveEvents.data.map((e: Envelope) => e.type)).toEqual(["contact.created"]);
    const testEvents = await json(await call("/v1/events", { bearer: testKey }));
    expect(testEvents.data.map((e: Envelope) => e.type)).toEqual(["message.sent"]);
  });
});
