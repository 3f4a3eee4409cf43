import { describe, expect, it } from "vitest";
import { hasUnpairedSurrogate } from "../../src/http/body";
import { call, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { countLedgerRows } from "../support/ledger";
import { uniqueNumber } from "../support/numbers";

/**
 * Found by the fuzzer (test/fuzz): a JSON string may escape a lone surrogate (`"\ud800"`). Before
 * the fix it was accepted, answered back as sent, and stored as U+FFFD ×3, so the object read
 * back differed from the 201. Now such a body is refused before any handler runs.
 */
describe("unpaired surrogates in JSON bodies", () => {
  it("are refused with 400 invalid_json and nothing is stored", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const phone = uniqueNumber();
    for (const rawBody of [
      `{"phone":"${phone}","name":"\\ud800x"}`,
      `{"phone":"${phone}","tags":["ok","\\udfff"]}`,
      `{"phone":"${phone}","\\udbff":1}`,
      `{"phone":"${phone}","name":"\\udc00\\ud800"}`,
    ]) {
      await expectError(
        await call("/v1/contacts", {
          bearer: key,
          rawBody,
          headers: { "content-type": "application/json" },
        }),
        400,
        "invalid_json",
      );
    }
    expect(await countLedgerRows(admin.accountId, "contacts")).toBe(0);
    // Session routes read bodies the same way.
    await expectError(
      await call("/v1/account", {
        method: "PATCH",
        cookie: admin.cookie,
        rawBody: '{"name":"\\ud800"}',
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
  });

  it("paired surrogates (escaped or raw) are characters: stored and read back as sent", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const created = await call("/v1/contacts", {
      bearer: key,
      rawBody: `{"phone":"${uniqueNumber()}","name":"\\ud83d\\udca5 💥 \\\\ud800"}`,
      headers: { "content-type": "application/json" },
    });
    expect(created.status).toBe(201);
    const contact = await json(created);
    expect(contact.name).toBe("💥 💥 \\ud800");
    const read = await json(await call(`/v1/contacts/${contact.id}`, { bearer: key }));
    expect(read.name).toBe(contact.name);
  });

  it("the check walks keys, values and deep nesting without recursion", () => {
    let deep: unknown = "\ud800";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(hasUnpairedSurrogate(deep)).toBe(true);
    expect(hasUnpairedSurrogate({ a: [{ b: "fine 💥" }], "\ud83d\udca5": 1 })).toBe(false);
    expect(hasUnpairedSurrogate({ "\udc00": 1 })).toBe(true);
    expect(hasUnpairedSurrogate(new Array(200_000).fill(1))).toBe(false);
  });
});
