import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { endpointObject } from "../../src/durable/stubs";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import { call, json, type TestAccount, unique } from "../helpers";
import { settleAccount } from "../support/ledger";

/** A sub-account of whichever account `admin`'s request acts in (`as` = Switchboard-Account). */
export async function subAccount(admin: TestAccount, as?: string, name = unique("Sub ")) {
  const response = await call("/v1/accounts", {
    cookie: admin.cookie,
    body: { name },
    headers: as ? { "switchboard-account": as } : {},
  });
  expect(response.status).toBe(201);
  return json(response);
}

/** An org with two sub-accounts, and a grandchild below the first. */
export async function orgTree(org: TestAccount) {
  const east = await subAccount(org);
  const west = await subAccount(org);
  const eastOne = await subAccount(org, east.id);
  return { east, west, eastOne };
}

/** Forwards outboxes up the tree, deepest first, as the objects' alarms would. */
export async function settleUp(...accountIds: string[]) {
  for (const id of accountIds) await settleAccount(id);
}

export const drainEndpoint = (endpointId: string) =>
  runInDurableObject<WebhookEndpointObject, void>(endpointObject(env, endpointId), (instance) =>
    instance.drain(),
  );
