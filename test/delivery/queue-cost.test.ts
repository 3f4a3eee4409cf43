import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DeliveryQueue } from "../../src/delivery/queue";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import { unique } from "../helpers";

/** Rows SQLite reads to find what is due, with a backlog of `size` whose head is backing off. */
function dueCost(size: number) {
  const stub = env.WEBHOOK_ENDPOINT.get(env.WEBHOOK_ENDPOINT.idFromName(unique("cost")));
  return runInDurableObject<WebhookEndpointObject, { strict: number; window: number; due: number }>(
    stub as DurableObjectStub<WebhookEndpointObject>,
    (_instance, state) => {
      const queue = new DeliveryQueue(state.storage.sql);
      const now = 1_000_000;
      queue.add(
        Array.from({ length: size }, (_, i) => ({
          eventId: `evt_${i}`,
          type: "message.sent",
          payload: "{}",
          createdAt: now,
        })),
        now,
        false,
      );
      // Every row was tried once and backs off: nothing is due for an hour.
      for (let i = 0; i < size; i++)
        queue.retryAt(`evt_${i}`, now + 3_600_000, now, 1, 504, "HTTP 504", now);
      queue.rowsRead = 0;
      const strict = queue.due(now, 1, true, new Set());
      const strictCost = queue.rowsRead;
      queue.rowsRead = 0;
      const window = queue.due(now, 16, false, new Set());
      const windowCost = queue.rowsRead;
      expect(strict).toEqual([]);
      expect(window).toEqual([]);
      return { strict: strictCost, window: windowCost, due: queue.earliestDue() ?? 0 };
    },
  );
}

describe("due() cost", () => {
  it("is the same at any backlog size, even when the head is backing off", async () => {
    const small = await dueCost(20);
    const large = await dueCost(3_000);
    expect(large.strict).toBe(small.strict);
    expect(large.window).toBe(small.window);
    expect(large.window).toBeLessThanOrEqual(4);
    expect(large.due).toBe(1_000_000 + 3_600_000);
  });
});
