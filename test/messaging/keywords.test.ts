import { describe, expect, it } from "vitest";
import { DEFAULT_HELP_TEXT } from "../../src/ledger/profile";
import { keywordOf } from "../../src/messaging/phone";
import { call, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { uniqueNumber } from "../support/numbers";

async function inbound(key: string, from: string, body: string, to?: string) {
  const response = await call("/v1/test-helpers/inbound-messages", {
    bearer: key,
    body: { from, body, ...(to ? { to } : {}) },
  });
  expect(response.status).toBe(201);
  return json(response);
}

const outbound = async (key: string) =>
  (await json(await call("/v1/messages?direction=outbound", { bearer: key }))).data;

describe("HELP and INFO", () => {
  it("reply with the account's help text from the number asked, without opting out", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const number = uniqueNumber();
    await call("/v1/phone-numbers", { cookie: admin.cookie, body: { number, livemode: false } });
    const patched = await call("/v1/account", {
      method: "PATCH",
      cookie: admin.cookie,
      body: { help_text: "Acme support: call 555-0100. Reply STOP to opt out." },
    });
    expect(patched.status).toBe(200);
    expect((await json(patched)).help_text).toBe(
      "Acme support: call 555-0100. Reply STOP to opt out.",
    );

    const asked = await inbound(key, "+15555550150", " help ", number);
    const [reply] = await outbound(key);
    expect(reply).toMatchObject({
      direction: "outbound",
      from: number,
      to: "+15555550150",
      body: "Acme support: call 555-0100. Reply STOP to opt out.",
    });
    // Queued in the inbound's commit; the after-commit hand-off may already have sent it.
    expect(["queued", "sent"]).toContain(reply.status);
    const contact = await json(await call(`/v1/contacts/${asked.contact_id}`, { bearer: key }));
    expect(contact.opted_out).toBe(false);

    // INFO too; with the text cleared the default is sent.
    await call("/v1/account", {
      method: "PATCH",
      cookie: admin.cookie,
      body: { help_text: null },
    });
    await inbound(key, "+15555550150", "INFO", number);
    const replies = await outbound(key);
    expect(replies).toHaveLength(2);
    expect(replies[0].body).toBe(DEFAULT_HELP_TEXT);
  });

  it("an opted-out contact still gets the HELP reply (and stays opted out)", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const stop = await inbound(key, "+15555550151", "STOP");
    await inbound(key, "+15555550151", "HELP");
    const replies = await outbound(key);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ to: "+15555550151", from: "+15005550006" });
    const contact = await json(await call(`/v1/contacts/${stop.contact_id}`, { bearer: key }));
    expect(contact.opted_out).toBe(true);
  });

  it("PATCH /v1/account is for admins and validates help_text", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    await expectError(
      await call("/v1/account", { method: "PATCH", bearer: key, body: { help_text: "x" } }),
      403,
    );
    for (const body of [{ help_text: "" }, { help_text: "x".repeat(321) }, { nope: 1 }]) {
      await expectError(
        await call("/v1/account", { method: "PATCH", cookie: admin.cookie, body }),
        422,
        "validation_failed",
      );
    }
  });
});

describe("opt-out keywords", () => {
  it.each([["REVOKE"], ["optout"]])("%s opts out and later sends are refused", async (word) => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    expect(keywordOf(word)).toBe("opt_out");
    await inbound(key, "+15555550152", word);
    await expectError(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550152", body: "x" } }),
      422,
      "contact_opted_out",
    );
  });
  it("HELP and INFO are their own keyword", () => {
    expect(keywordOf("Help")).toBe("help");
    expect(keywordOf(" info")).toBe("help");
    expect(keywordOf("help me")).toBeNull();
  });
});
