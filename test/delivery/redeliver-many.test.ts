import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/services";
import { json } from "../helpers";
import { harness } from "../http/harness";
import { publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";

describe("redelivery to many endpoints", () => {
  it("an event that went to 120 endpoints is redelivered to all of them (past D1's 100 bound parameters)", {
    timeout: 60_000,
  }, async () => {
    // 120 endpoints: past the default MAX_ENDPOINTS_PER_ACCOUNT (100), raised for this account.
    const app = harness({
      vars: { MAX_ENDPOINTS_PER_ACCOUNT: "200" },
      clock: new ManualClock(Date.now()),
    });
    const admin = await app.signup();
    const receiver = await newReceiver();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const created = await app.send("/v1/webhooks", {
        cookie: admin.cookie,
        body: { url: `${receiver.url}?n=${i}`, events: ["contact.created"] },
      });
      expect(created.status).toBe(201);
      ids.push((await json(created)).id);
    }
    const event = await publishEvent(admin.accountId, "contact.created");
    const response = await app.send(`/v1/events/${event.id}/redeliver`, {
      cookie: admin.cookie,
      body: {},
    });
    expect(response.status).toBe(202);
    const body = await json(response);
    expect(new Set(body.endpoint_ids)).toEqual(new Set(ids));
  });
});
