import { describe, expect, it } from "vitest";
import { EVENT_CATALOG, EVENT_TYPES, type EventType } from "../../src/events/catalog";
import { call, json, signup } from "../helpers";
import { controlledEndpoint } from "../support/delivery";
import { createApiKey } from "../support/keys";
import { accountStub } from "../support/ledger";
import { runCarrier } from "../support/messaging";
import { newReceiver } from "../support/receiver";

/** Operational events (endpoint.*) come from the delivery engine, not from messaging. */
const MESSAGING_TYPES = EVENT_TYPES.filter((type) => !type.startsWith("endpoint."));

type Envelope = {
  id: string;
  type: EventType;
  livemode: boolean;
  account_id: string;
  data: Record<string, unknown>;
};

describe("messaging produces every event, delivered to a real endpoint", () => {
  it("messages, receipts, calls, inbound, opt-out/in, contacts and tags", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, [...MESSAGING_TYPES]);
    const { key } = await createApiKey(admin, { environment: "test" });

    const sent = await json(
      await call("/v1/messages", {
        bearer: key,
        body: { to: "+15555550123", body: "Hello", custom_id: "order-42" },
      }),
    );
    expect(sent).toMatchObject({
      status: "queued",
      direction: "outbound",
      custom_id: "order-42",
      segments: 1,
      from: "+15005550006",
    });
    const failing = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15005550001", body: "Fail me" } }),
    );
    const unknown = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15005550002", body: "Lost" } }),
    );
    const phoneCall = await json(
      await call("/v1/calls", { bearer: key, body: { to: "+15555550123" } }),
    );
    expect(phoneCall.status).toBe("queued");
    expect(await runCarrier(admin.accountId, false)).toBe(4);

    const contact = await json(
      await call("/v1/contacts", {
        bearer: key,
        body: { phone: "+15555550999", name: "Ada", tags: ["Cold"] },
      }),
    );
    await call(`/v1/contacts/${contact.id}`, {
      method: "PATCH",
      bearer: key,
      body: { tags: ["Warm"] },
    });
    await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550777", body: "  stop " },
    });
    await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550777", body: "START" },
    });
    await endpoint.drain();

    const events = (await receiver.received()).map((r) => JSON.parse(r.body) as Envelope);
    for (const event of events) {
      expect(event).toMatchObject({ account_id: admin.accountId, livemode: false });
      expect(EVENT_CATALOG[event.type].dataSchema.safeParse(event.data).success, event.type).toBe(
        true,
      );
    }
    const byType = (type: EventType) => events.filter((e) => e.type === type);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(MESSAGING_TYPES));

    expect(byType("message.sent").map((e) => e.data.id)).toEqual([sent.id, failing.id, unknown.id]);
    expect(byType("message.delivered")[0]?.data).toMatchObject({
      id: sent.id,
      status: "delivered",
      custom_id: "order-42",
    });
    expect(byType("message.failed")[0]?.data).toMatchObject({
      id: failing.id,
      status: "failed",
      error_code: "30006",
    });
    expect(byType("message.unknown")[0]?.data).toMatchObject({ id: unknown.id, status: "unknown" });
    const completed = byType("phone_call.completed")[0]?.data;
    expect(completed).toMatchObject({ id: phoneCall.id, status: "completed" });
    expect(completed?.duration_seconds).toBeGreaterThan(0);
    expect(completed?.recording_url).toMatch(/^https:\/\//);

    expect(byType("contact.tag_changed")[0]?.data).toMatchObject({
      previous_tags: ["Cold"],
      tags: ["Warm"],
      contact: { id: contact.id },
    });
    const received = byType("message.received");
    expect(received.map((e) => e.data.body)).toEqual(["  stop ", "START"]);
    const created = byType("contact.created").map((e) => e.data.phone);
    expect(created).toEqual(["+15555550999", "+15555550777"]);
    expect(byType("contact.opted_out")[0]?.data).toMatchObject({
      phone: "+15555550777",
      opted_out: true,
    });
    expect(byType("contact.opted_in")[0]?.data).toMatchObject({
      phone: "+15555550777",
      opted_out: false,
    });

    // A failed send emits message.sent, then message.failed (TextLink).
    const failedOrder = events.filter((e) => e.data.id === failing.id).map((e) => e.type);
    expect(failedOrder).toEqual(["message.sent", "message.failed"]);

    const shown = await json(await call(`/v1/messages/${failing.id}`, { bearer: key }));
    expect(shown).toMatchObject({
      status: "failed",
      error_code: "30006",
      error_message: "Landline or unreachable carrier.",
    });
    const callShown = await json(await call(`/v1/calls/${phoneCall.id}`, { bearer: key }));
    expect(callShown).toMatchObject({ status: "completed" });
  });

  it("a call to the failure number ends failed", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const phoneCall = await json(
      await call("/v1/calls", { bearer: key, body: { to: "+15005550001" } }),
    );
    await runCarrier(admin.accountId, false);
    expect(await json(await call(`/v1/calls/${phoneCall.id}`, { bearer: key }))).toMatchObject({
      status: "failed",
      duration_seconds: 0,
      recording_url: null,
    });
  });

  it("late or duplicate receipts change nothing", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const sent = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550123", body: "Hi" } }),
    );
    expect(await runCarrier(admin.accountId, false)).toBe(1);
    expect(await runCarrier(admin.accountId, false)).toBe(0);
    const events = await json(await call("/v1/events", { cookie: admin.cookie }));
    expect(
      events.data
        .filter((e: { data: { id: string } }) => e.data.id === sent.id)
        .map((e: { type: string }) => e.type),
    ).toEqual(["message.delivered", "message.sent"]);
  });
});

describe("receipts after an unknown outcome", () => {
  it("a later definite receipt replaces unknown, once", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const lost = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15005550002", body: "?" } }),
    );
    await runCarrier(admin.accountId, false);
    const account = accountStub(admin.accountId);
    const now = Date.now();
    expect(
      await account.applyReceipt(admin.accountId, false, lost.id, { status: "delivered" }, now),
    ).toBe(true);
    expect(
      await account.applyReceipt(admin.accountId, false, lost.id, { status: "failed" }, now),
    ).toBe(false);
    expect((await json(await call(`/v1/messages/${lost.id}`, { bearer: key }))).status).toBe(
      "delivered",
    );
  });
});
