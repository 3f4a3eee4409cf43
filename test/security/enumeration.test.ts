import { describe, expect, it } from "vitest";
import { call, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { uniqueNumber } from "../support/numbers";
import { newReceiver } from "../support/receiver";

/**
 * Enumeration: a caller must not learn whether an id exists in another account. Another account's
 * real id and an id that never existed get byte-for-byte the same answer (the request id aside),
 * and ids carry no sequence that could be walked.
 */
const comparable = async (response: Response) => {
  const body = await json(response);
  delete body.error?.request_id;
  return { status: response.status, body };
};

describe("enumeration", () => {
  it("another account's real ids answer exactly like ids that never existed", async () => {
    const owner = await signup();
    const { key: ownerKey } = await createApiKey(owner, { environment: "test" });
    const stranger = await signup();
    const { key: strangerKey } = await createApiKey(stranger, { environment: "test" });
    const receiver = await newReceiver();
    const ids = {
      messages: (
        await json(
          await call("/v1/messages", { bearer: ownerKey, body: { to: uniqueNumber(), body: "x" } }),
        )
      ).id as string,
      contacts: (
        await json(
          await call("/v1/contacts", { bearer: ownerKey, body: { phone: uniqueNumber() } }),
        )
      ).id as string,
      webhooks: (
        await json(
          await call("/v1/webhooks", {
            cookie: owner.cookie,
            body: { url: receiver.url, events: ["message.sent"] },
          }),
        )
      ).id as string,
      "api-keys": (await createApiKey(owner)).id,
    };
    for (const [collection, id] of Object.entries(ids)) {
      const never = `${id.slice(0, -4)}zzzz`;
      const byKey = collection === "webhooks" || collection === "api-keys" ? null : strangerKey;
      const auth = byKey ? { bearer: byKey } : { cookie: stranger.cookie };
      const real = await comparable(await call(`/v1/${collection}/${id}`, auth));
      const missing = await comparable(await call(`/v1/${collection}/${never}`, auth));
      expect(real.status, collection).toBe(404);
      expect(real, collection).toEqual(missing);
    }
  });

  it("ids are random, not a counter: consecutive ids differ almost everywhere in their tail", async () => {
    const owner = await signup();
    const { key } = await createApiKey(owner, { environment: "test" });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await call("/v1/contacts", { bearer: key, body: { phone: uniqueNumber() } });
      ids.push((await json(response)).id as string);
    }
    for (const id of ids) expect(id).toMatch(/^ct_[0-9A-Za-z]{20,}$/);
    // A counter changes one or two trailing characters from one id to the next; random tails
    // differ almost everywhere (two random base62 characters match with probability 1/62).
    const tails = ids.map((id) => id.slice(-10));
    for (let i = 1; i < tails.length; i++) {
      const [a, b] = [tails[i - 1] ?? "", tails[i] ?? ""];
      const differing = [...a].filter((char, at) => char !== b[at]).length;
      expect(differing, `${a} → ${b}`).toBeGreaterThanOrEqual(6);
    }
  });
});
