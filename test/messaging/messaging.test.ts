import { describe, expect, it } from "vitest";
import { countSegments, keywordOf } from "../../src/messaging/phone";
import { call, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { countLedgerRows } from "../support/ledger";

describe("opt-out", () => {
  it("STOP refuses later sends with 422 contact_opted_out; START allows them again", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550188", body: "Unsubscribe" },
    });
    const before = await countLedgerRows(admin.accountId, "messages");
    const refused = await expectError(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550188", body: "Sale!" } }),
      422,
      "contact_opted_out",
    );
    expect(refused.details.contact_id).toMatch(/^ct_/);
    expect(await countLedgerRows(admin.accountId, "messages")).toBe(before);
    await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550188", body: "unstop" },
    });
    expect(
      (
        await call("/v1/messages", {
          bearer: key,
          body: { to: "+15555550188", body: "Welcome back" },
        })
      ).status,
    ).toBe(202);
  });

  it("opt-out and opt-in routes are idempotent and only real changes emit events", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const contact = await json(
      await call("/v1/contacts", { bearer: key, body: { phone: "+15555550199" } }),
    );
    const out = await json(
      await call(`/v1/contacts/${contact.id}/opt-out`, { bearer: key, method: "POST" }),
    );
    expect(out).toMatchObject({ opted_out: true });
    expect(out.opted_out_at).not.toBeNull();
    await call(`/v1/contacts/${contact.id}/opt-out`, { bearer: key, method: "POST" });
    await call(`/v1/contacts/${contact.id}/opt-in`, { bearer: key, method: "POST" });
    const events = await json(await call("/v1/events", { bearer: key }));
    expect(events.data.map((e: { type: string }) => e.type)).toEqual([
      "contact.opted_in",
      "contact.opted_out",
      "contact.created",
    ]);
  });

  it.each([["STOP"], ["stopall"], [" Cancel "], ["END"], ["quit"], ["UNSUBSCRIBE"]])(
    "%s is an opt-out keyword",
    (word) => {
      expect(keywordOf(word)).toBe("opt_out");
    },
  );
  it.each([["START"], ["unstop"], ["Yes"]])("%s is an opt-in keyword", (word) => {
    expect(keywordOf(word)).toBe("opt_in");
  });
  it("a keyword inside a sentence is just a message", () => {
    expect(keywordOf("please stop by later")).toBeNull();
  });
});

describe("messages", () => {
  it("validates numbers and bodies with 422 and writes nothing", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const before = await countLedgerRows(admin.accountId, "messages");
    for (const body of [
      { to: "5555550123", body: "x" },
      { to: "+0555", body: "x" },
      { to: "+15555550123", body: "" },
      { to: "+15555550123", body: "x".repeat(1601) },
      { to: "+15555550123", body: "x", from: "me" },
      { to: "+15555550123", body: "x", extra: true },
    ]) {
      await expectError(
        await call("/v1/messages", { bearer: key, body }),
        422,
        "validation_failed",
      );
    }
    expect(await countLedgerRows(admin.accountId, "messages")).toBe(before);
  });

  it("counts segments (GSM-7 160/153, UCS-2 70/67)", async () => {
    expect(countSegments("a".repeat(160))).toBe(1);
    expect(countSegments("a".repeat(161))).toBe(2);
    expect(countSegments("a".repeat(306))).toBe(2);
    expect(countSegments("a".repeat(307))).toBe(3);
    expect(countSegments("€".repeat(80))).toBe(1);
    expect(countSegments("😀".repeat(35))).toBe(1);
    expect(countSegments(`${"ü".repeat(70)}ł`)).toBe(2);
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const long = await json(
      await call("/v1/messages", {
        bearer: key,
        body: { to: "+15555550123", body: "b".repeat(200) },
      }),
    );
    expect(long.segments).toBe(2);
  });

  it("lists with filters and links outbound messages to known contacts", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const contact = await json(
      await call("/v1/contacts", { bearer: key, body: { phone: "+15555550111" } }),
    );
    const linked = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550111", body: "hi" } }),
    );
    expect(linked.contact_id).toBe(contact.id);
    await call("/v1/messages", { bearer: key, body: { to: "+15555550112", body: "hi" } });
    await call("/v1/test-helpers/inbound-messages", {
      bearer: key,
      body: { from: "+15555550111", body: "hello back" },
    });
    const inbound = await json(await call("/v1/messages?direction=inbound", { bearer: key }));
    expect(inbound.data.map((m: { body: string }) => m.body)).toEqual(["hello back"]);
    const byContact = await json(
      await call(`/v1/messages?contact_id=${contact.id}`, { bearer: key }),
    );
    expect(byContact.data).toHaveLength(2);
    const sentOnly = await json(await call("/v1/messages?status=sent&limit=1", { bearer: key }));
    expect(sentOnly).toMatchObject({ has_more: true });
    await expectError(await call("/v1/messages?status=lost", { bearer: key }), 422);
  });
});

describe("live and test data never mix", () => {
  it("keys of one mode cannot see the other mode's messages, contacts or calls", async () => {
    const admin = await signup();
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    const message = await json(
      await call("/v1/messages", { bearer: testKey, body: { to: "+15555550123", body: "test" } }),
    );
    const contact = await json(
      await call("/v1/contacts", { bearer: testKey, body: { phone: "+15555550124" } }),
    );
    const phoneCall = await json(
      await call("/v1/calls", { bearer: testKey, body: { to: "+15555550125" } }),
    );
    await expectError(await call(`/v1/messages/${message.id}`, { bearer: liveKey }), 404);
    await expectError(await call(`/v1/contacts/${contact.id}`, { bearer: liveKey }), 404);
    await expectError(await call(`/v1/calls/${phoneCall.id}`, { bearer: liveKey }), 404);
    for (const path of ["/v1/messages", "/v1/contacts", "/v1/calls"]) {
      expect((await json(await call(path, { bearer: liveKey }))).data).toEqual([]);
      expect((await json(await call(path, { bearer: testKey }))).data).toHaveLength(1);
    }
    // The same phone can be a contact in both modes.
    expect(
      (await call("/v1/contacts", { bearer: liveKey, body: { phone: "+15555550124" } })).status,
    ).toBe(201);
    expect(contact.livemode).toBe(false);
  });

  it("the inbound test helper refuses live keys", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "production" });
    await expectError(
      await call("/v1/test-helpers/inbound-messages", {
        bearer: key,
        body: { from: "+15555550123", body: "hi" },
      }),
      403,
      "test_mode_only",
    );
  });
});

describe("Idempotency-Key", () => {
  it("returns the first response for a retry and refuses the key with another body", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const headers = { "idempotency-key": "order-1234" };
    const first = await call("/v1/messages", {
      bearer: key,
      headers,
      body: { to: "+15555550123", body: "once" },
    });
    const firstBody = await json(first);
    const before = await countLedgerRows(admin.accountId, "messages");
    const retry = await call("/v1/messages", {
      bearer: key,
      headers,
      body: { to: "+15555550123", body: "once" },
    });
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(retry)).toEqual(firstBody);
    expect(await countLedgerRows(admin.accountId, "messages")).toBe(before);
    await expectError(
      await call("/v1/messages", {
        bearer: key,
        headers,
        body: { to: "+15555550123", body: "twice" },
      }),
      409,
      "idempotency_conflict",
    );
    const other = await call("/v1/messages", {
      bearer: key,
      headers: { "idempotency-key": "order-5678" },
      body: { to: "+15555550123", body: "once" },
    });
    expect((await json(other)).id).not.toBe(firstBody.id);
  });

  it("replays errors too, and keys are per account and mode", async () => {
    const admin = await signup();
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    const headers = { "idempotency-key": "contact-1" };
    expect(
      (await call("/v1/contacts", { bearer: testKey, headers, body: { phone: "+15555550150" } }))
        .status,
    ).toBe(201);
    expect(
      (await call("/v1/contacts", { bearer: testKey, headers, body: { phone: "+15555550150" } }))
        .status,
    ).toBe(201);
    expect(
      (await call("/v1/contacts", { bearer: liveKey, headers, body: { phone: "+15555550150" } }))
        .status,
    ).toBe(201);
    const stranger = await signup();
    const { key: strangerKey } = await createApiKey(stranger, { environment: "test" });
    expect(
      (
        await call("/v1/contacts", {
          bearer: strangerKey,
          headers,
          body: { phone: "+15555550150" },
        })
      ).status,
    ).toBe(201);
    await expectError(
      await call("/v1/contacts", {
        bearer: testKey,
        headers: { "idempotency-key": "" },
        body: { phone: "+15555550151" },
      }),
      422,
    );
  });
});

describe("contacts", () => {
  it("creates, reads, updates, filters and deletes; phone is unique per account and mode", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const created = await call("/v1/contacts", {
      bearer: key,
      body: { phone: "+15555550160", name: "Grace", tags: ["Cold", "Cold", " VIP "] },
    });
    expect(created.status).toBe(201);
    const contact = await json(created);
    expect(contact).toMatchObject({
      phone: "+15555550160",
      name: "Grace",
      tags: ["Cold", "VIP"],
      opted_out: false,
      livemode: false,
    });
    await expectError(
      await call("/v1/contacts", { bearer: key, body: { phone: "+15555550160" } }),
      409,
    );
    const patched = await json(
      await call(`/v1/contacts/${contact.id}`, {
        method: "PATCH",
        bearer: key,
        body: { name: null },
      }),
    );
    expect(patched).toMatchObject({ name: null, tags: ["Cold", "VIP"] });
    expect((await json(await call("/v1/contacts?tag=VIP", { bearer: key }))).data).toHaveLength(1);
    expect(
      (await json(await call("/v1/contacts?opted_out=true", { bearer: key }))).data,
    ).toHaveLength(0);
    const deleted = await json(
      await call(`/v1/contacts/${contact.id}`, { method: "DELETE", bearer: key }),
    );
    expect(deleted).toEqual({ id: contact.id, deleted: true });
    await expectError(await call(`/v1/contacts/${contact.id}`, { bearer: key }), 404);
    await expectError(
      await call("/v1/contacts", { bearer: key, body: { phone: "not-a-phone" } }),
      422,
    );
  });
});
