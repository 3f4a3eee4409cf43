import { describe, expect, it } from "vitest";
import {
  buildEnvelope,
  CallData,
  ContactData,
  EVENT_CATALOG,
  EVENT_TYPES,
  isEventType,
  MessageData,
  sampleEnvelope,
  TagChangeData,
} from "../../src/events/catalog";
import { EndpointHealthData } from "../../src/events/operational";

const NOW = Date.UTC(2025, 0, 15, 17, 4, 5, 123);
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const E164 = /^\+[1-9]\d{1,14}$/;

describe("EVENT_TYPES and isEventType", () => {
  it("lists the SPEC §5 types, TextUs's names included", () => {
    expect([...EVENT_TYPES]).toEqual([
      "message.sent",
      "message.delivered",
      "message.failed",
      "message.unknown",
      "message.received",
      "phone_call.completed",
      "contact.created",
      "contact.opted_out",
      "contact.opted_in",
      "contact.tag_changed",
      "endpoint.failed",
      "endpoint.recovered",
      "endpoint.disabled",
      "endpoint.backlog_warning",
    ]);
  });

  it.each(EVENT_TYPES)("accepts %s", (type) => {
    expect(isEventType(type)).toBe(true);
  });

  it.each([
    "",
    "message",
    "Message.Delivered",
    "message.delivered ",
    "message.*",
    "*",
    "phone_call.started",
    "contact.deleted",
    "toString",
    "__proto__",
  ])("rejects %j", (value) => {
    expect(isEventType(value)).toBe(false);
  });
});

describe("EVENT_CATALOG", () => {
  it("has exactly one entry per event type", () => {
    expect(Object.keys(EVENT_CATALOG).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES)("%s has a one-sentence description", (type) => {
    const { description } = EVENT_CATALOG[type];
    expect(description.length).toBeGreaterThan(20);
    expect(description.length).toBeLessThanOrEqual(160);
    expect(description).toMatch(/^[A-Z].*\.$/);
  });

  it.each(EVENT_TYPES)("%s sample parses with its own schema, with no stray fields", (type) => {
    const { dataSchema, sample } = EVENT_CATALOG[type];
    const data = sample({ now: NOW });
    const parsed = dataSchema.safeParse(data);
    expect(parsed.error).toBeUndefined();
    // Objects strip unknown keys, so equality also proves the sample has none.
    expect(parsed.data).toEqual(data);
  });

  it.each(EVENT_TYPES)("%s sample is deterministic and follows the clock", (type) => {
    const { sample } = EVENT_CATALOG[type];
    expect(sample({ now: NOW })).toEqual(sample({ now: NOW }));
    expect(sample({ now: NOW + 3_600_000 })).not.toEqual(sample({ now: NOW }));
    // Every time in a sample is recent but never in the future.
    const times = JSON.stringify(sample({ now: NOW })).match(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g) ?? [];
    // Operational data carries no time of its own (the envelope's created_at is the moment).
    if (!type.startsWith("endpoint.")) expect(times.length).toBeGreaterThan(0);
    for (const time of times) {
      expect(Date.parse(time)).toBeLessThanOrEqual(NOW);
      expect(Date.parse(time)).toBeGreaterThan(NOW - 7 * 86_400_000);
    }
  });

  it("uses the right schema for each family", () => {
    for (const type of EVENT_TYPES) {
      const expected = type.startsWith("message.")
        ? MessageData
        : type === "phone_call.completed"
          ? CallData
          : type === "contact.tag_changed"
            ? TagChangeData
            : type.startsWith("endpoint.")
              ? EndpointHealthData
              : ContactData;
      expect(EVENT_CATALOG[type].dataSchema, type).toBe(expected);
    }
  });

  it("tells message.failed subscribers that message.sent comes first", () => {
    expect(EVENT_CATALOG["message.failed"].description).toMatch(/message\.sent/);
  });

  it("message samples carry the status their event names", () => {
    const status = (type: "message.sent" | "message.delivered" | "message.failed") =>
      MessageData.parse(EVENT_CATALOG[type].sample({ now: NOW })).status;
    expect(status("message.sent")).toBe("sent");
    expect(status("message.delivered")).toBe("delivered");
    expect(status("message.failed")).toBe("failed");
    const unknown = MessageData.parse(EVENT_CATALOG["message.unknown"].sample({ now: NOW }));
    expect(unknown.status).toBe("unknown");
    const received = MessageData.parse(EVENT_CATALOG["message.received"].sample({ now: NOW }));
    expect(received).toMatchObject({ direction: "inbound", status: "received", custom_id: null });
  });

  it("message.failed sample has a carrier error, the others have none", () => {
    const failed = MessageData.parse(EVENT_CATALOG["message.failed"].sample({ now: NOW }));
    expect(failed.error_code).toBe("30006");
    expect(failed.error_message).toEqual(expect.any(String));
    const delivered = MessageData.parse(EVENT_CATALOG["message.delivered"].sample({ now: NOW }));
    expect(delivered).toMatchObject({ error_code: null, error_message: null });
  });

  it("message samples look real: prefixed ids, E.164 numbers, RFC 3339 times", () => {
    const msg = MessageData.parse(EVENT_CATALOG["message.delivered"].sample({ now: NOW }));
    expect(msg.id).toMatch(/^msg_[0-9A-Za-z]{23}$/);
    expect(msg.contact_id).toMatch(/^ct_[0-9A-Za-z]{23}$/);
    expect(msg.from).toMatch(E164);
    expect(msg.to).toMatch(E164);
    expect(msg.created_at).toMatch(RFC3339_UTC);
    expect(msg.segments).toBeGreaterThanOrEqual(1);
  });

  it("phone_call.completed sample has a duration and a recording URL", () => {
    const call = CallData.parse(EVENT_CATALOG["phone_call.completed"].sample({ now: NOW }));
    expect(call.id).toMatch(/^call_/);
    expect(call.status).toBe("completed");
    expect(call.duration_seconds).toBeGreaterThan(0);
    expect(call.recording_url).toMatch(/^https:\/\//);
    expect(Date.parse(call.completed_at)).toBeGreaterThan(Date.parse(call.created_at));
  });

  it("contact samples reflect the event", () => {
    const sample = (type: "contact.created" | "contact.opted_out" | "contact.opted_in") =>
      ContactData.parse(EVENT_CATALOG[type].sample({ now: NOW }));
    expect(sample("contact.created").id).toMatch(/^ct_/);
    expect(sample("contact.created").phone).toMatch(E164);
    expect(sample("contact.opted_out").opted_out).toBe(true);
    expect(sample("contact.opted_in").opted_out).toBe(false);
  });

  it("contact.tag_changed sample goes Cold → Warm", () => {
    const change = TagChangeData.parse(EVENT_CATALOG["contact.tag_changed"].sample({ now: NOW }));
    expect(change.previous_tags).toEqual(["Cold"]);
    expect(change.tags).toEqual(["Warm"]);
    expect(change.contact.tags).toEqual(change.tags);
  });
});

describe("data schemas reject bad payloads", () => {
  const message = () => MessageData.parse(EVENT_CATALOG["message.sent"].sample({ now: NOW }));

  it.each([
    ["id without prefix", { id: "abc" }],
    ["wrong id prefix", { id: "ct_123" }],
    ["unknown direction", { direction: "sideways" }],
    ["non-E.164 to", { to: "5555550123" }],
    ["unknown status", { status: "bounced" }],
    ["fractional segments", { segments: 1.5 }],
    ["non-RFC 3339 time", { created_at: "yesterday" }],
    ["missing custom_id", { custom_id: undefined }],
  ])("MessageData: %s", (_label, patch) => {
    expect(MessageData.safeParse({ ...message(), ...patch }).success).toBe(false);
  });

  it("CallData and ContactData reject wrong types", () => {
    const call = EVENT_CATALOG["phone_call.completed"].sample({ now: NOW }) as object;
    expect(CallData.safeParse({ ...call, status: "ringing" }).success).toBe(false);
    expect(CallData.safeParse({ ...call, duration_seconds: -1 }).success).toBe(false);
    const contact = EVENT_CATALOG["contact.created"].sample({ now: NOW }) as object;
    expect(ContactData.safeParse({ ...contact, tags: "Cold" }).success).toBe(false);
    expect(ContactData.safeParse({ ...contact, opted_out: "no" }).success).toBe(false);
  });
});

describe("envelopes", () => {
  const input = {
    id: "evt_0VZ2xTqK3aBcDeFgHiJkLmNoP",
    type: "message.delivered" as const,
    createdAt: NOW,
    accountId: "acct_0VZ2xTqK3aBcDeFgHiJkLmNoP",
    livemode: true,
    data: { hello: "world" },
  };

  it("buildEnvelope writes keys in wire order with an RFC 3339 UTC time", () => {
    const envelope = buildEnvelope(input);
    expect(Object.keys(envelope)).toEqual([
      "id",
      "type",
      "created_at",
      "account_id",
      "parent_account_id",
      "livemode",
      "data",
    ]);
    expect(envelope.created_at).toBe("2025-01-15T17:04:05.123Z");
    expect(envelope.created_at).toMatch(RFC3339_UTC);
    expect(JSON.stringify(envelope)).toBe(
      '{"id":"evt_0VZ2xTqK3aBcDeFgHiJkLmNoP","type":"message.delivered",' +
        '"created_at":"2025-01-15T17:04:05.123Z","account_id":"acct_0VZ2xTqK3aBcDeFgHiJkLmNoP",' +
        '"parent_account_id":null,"livemode":true,"data":{"hello":"world"}}',
    );
  });

  it("keeps livemode false and the data as given", () => {
    const data = { nested: [1, 2] };
    const envelope = buildEnvelope({ ...input, livemode: false, data });
    expect(envelope.livemode).toBe(false);
    expect(envelope.data).toBe(data);
  });

  it.each(EVENT_TYPES)("sampleEnvelope(%s) wraps the catalog sample", (type) => {
    const ctx = { id: "evt_sample", accountId: "acct_1", livemode: false, now: NOW };
    const envelope = sampleEnvelope(type, ctx);
    expect(Object.keys(envelope)).toEqual([
      "id",
      "type",
      "created_at",
      "account_id",
      "parent_account_id",
      "livemode",
      "data",
    ]);
    expect(envelope).toMatchObject({
      id: "evt_sample",
      type,
      created_at: new Date(NOW).toISOString(),
      account_id: "acct_1",
      livemode: false,
    });
    expect(envelope.data).toEqual(EVENT_CATALOG[type].sample({ now: NOW }));
    expect(EVENT_CATALOG[type].dataSchema.safeParse(envelope.data).success).toBe(true);
  });
});
