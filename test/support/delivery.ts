import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Config } from "../../src/config";
import { endpointObject } from "../../src/durable/stubs";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import type { EventType } from "../../src/events/catalog";
import { ManualClock } from "../../src/services";
import { call, json, type TestAccount } from "../helpers";
import { settleAccount } from "./ledger";

export { publishEvent } from "./ledger";

/**
 * Delivery is driven by hand: each endpoint object gets a manual clock and compressed settings,
 * and tests call `drain()` (what the alarm runs) instead of waiting for real time.
 */
export async function controlledEndpoint(
  admin: TestAccount,
  url: string,
  events: EventType[],
  settings: Partial<Config> = {},
  clock: { now(): number; advance(ms: number): void } = new ManualClock(Date.now()),
  /** More of the create body: max_in_flight, rate_limit_per_second, asymmetric_signing… */
  extra: Record<string, unknown> = {},
  autoAlarm = false,
) {
  const response = await call("/v1/webhooks", {
    cookie: admin.cookie,
    body: { url, events, ...extra },
  });
  expect(response.status).toBe(201);
  const endpoint = await json(response);
  // A fresh stub per call: stubs die with the object when a test aborts it.
  const stub = () => endpointObject(env, endpoint.id);
  const control = () =>
    runInDurableObject<WebhookEndpointObject, void>(stub(), (instance) => {
      instance.clock = clock;
      instance.random = () => 0.5;
      // The test drives drain() itself; a real alarm firing mid-test would race it.
      instance.autoAlarm = autoAlarm;
      instance.settings = { ...instance.settings, ...settings };
    });
  await control();
  return {
    id: endpoint.id as string,
    secret: endpoint.secret as string,
    resource: endpoint as Record<string, unknown>,
    stub,
    clock,
    /** Re-applies the seams, e.g. after the object was evicted. */
    control,
    /** Fans out what the account's outbox holds, then runs what this endpoint's alarm would. */
    drain: async () => {
      await settleAccount(admin.accountId);
      await runInDurableObject<WebhookEndpointObject, void>(stub(), (instance) => instance.drain());
    },
    stats: () => stub().stats(),
  };
}
