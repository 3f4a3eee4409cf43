import { describe, expect, it } from "vitest";
import { call, json, signup } from "../helpers";
import { publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";

describe("redelivery to many endpoints", () => {
  it("an event that went to 120 endpoints is redelivered to all of them (past D1's 100 bound parameters)", {
    timeout: 60_000,
  }, async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const created = await call("/v1/webhooks", {
        cookie: admin.cookie,
        body: { url: `${receiver.url}?n=${i}`, events: ["contact.created"] },
      });
      expect(created.status).toBe(201);
      ids.push((await json(created)).id);
    }
    const event = await publishEvent(admin.accountId, "contact.created");
    const response = await call(`/v1/events/${event.id}/redeliver`, {
      cookie: admin.cookie,
      body: {},
    });
    expect(response.status).toBe(202);
    const body = await json(response);
    expect(new Set(body.endpoint_ids)).toEqual(new Set(ids));
  });
});
