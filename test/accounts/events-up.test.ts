import { describe, expect, it } from "vitest";
import { call, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { countLedgerRows, publishEvent } from "../support/ledger";
import { newReceiver } from "../support/receiver";
import { drainEndpoint, orgTree, settleUp, subAccount } from "./support";

/**
 * Events travel up one level per hop: each account object forwards its outbox to its parent's
 * (the parent is one more subscriber), and an endpoint with include_subaccounts receives what
 * reached its account from below.
 */
async function endpoint(cookie: string, url: string, events: string[], include?: boolean) {
  const response = await call("/v1/webhooks", {
    cookie,
    body: { url, events, ...(include === undefined ? {} : { include_subaccounts: include }) },
  });
  expect(response.status).toBe(201);
  return json(response);
}

describe("events flow up to include_subaccounts endpoints", () => {
  it("a grandchild's event reaches the org's endpoint exactly once, naming where it happened", async () => {
    const org = await signup();
    const { east, eastOne } = await orgTree(org);
    const everything = await newReceiver();
    const ownOnly = await newReceiver();
    const parentLevel = await newReceiver();
    const all = await endpoint(org.cookie, everything.url, ["message.delivered"], true);
    expect(all.include_subaccounts).toBe(true);
    const own = await endpoint(org.cookie, ownOnly.url, ["message.delivered"]);
    expect(own.include_subaccounts).toBe(false);
    const mid = await call("/v1/webhooks", {
      cookie: org.cookie,
      headers: { "switchboard-account": east.id },
      body: { url: parentLevel.url, events: ["message.delivered"], include_subaccounts: true },
    });
    const middle = await json(mid);

    const event = await publishEvent(eastOne.id, "message.delivered");
    expect(event).toMatchObject({ account_id: eastOne.id, parent_account_id: east.id });
    // Twice over, as a retried alarm would: the ids make every hop idempotent.
    for (let round = 0; round < 2; round++) {
      await settleUp(eastOne.id, east.id, org.accountId);
      for (const id of [all.id, own.id, middle.id]) await drainEndpoint(id);
    }

    const got = await everything.received();
    expect(got).toHaveLength(1);
    expect(got[0]?.headers["webhook-id"]).toBe(event.id);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      id: event.id,
      account_id: eastOne.id,
      parent_account_id: east.id,
    });
    expect(await parentLevel.received()).toHaveLength(1);
    expect(await ownOnly.received()).toHaveLength(0);
    // Stored once per level; each account's own event log still shows only its own events.
    expect(await countLedgerRows(org.accountId, "events", `id = '${event.id}'`)).toBe(1);
    expect(await countLedgerRows(east.id, "events", `id = '${event.id}'`)).toBe(1);
    const orgKey = (await createApiKey(org)).key;
    const orgEvents = await json(await call("/v1/events", { bearer: orgKey }));
    expect(orgEvents.data.map((e: { id: string }) => e.id)).not.toContain(event.id);

    // Replay: the include_subaccounts endpoint replays the descendant's event; the other none.
    const since = new Date(Date.now() - 60_000).toISOString();
    const replay = (id: string) =>
      call(`/v1/webhooks/${id}/replay`, { cookie: org.cookie, body: { since } }).then(json);
    expect((await replay(all.id)).replayed).toBe(1);
    expect((await replay(own.id)).replayed).toBe(0);
  });

  it("the org's own events go to both its endpoints; a sibling's never reach another sibling", async () => {
    const org = await signup();
    const { east, west } = await orgTree(org);
    const westHook = await newReceiver();
    const westEndpoint = await json(
      await call("/v1/webhooks", {
        cookie: org.cookie,
        headers: { "switchboard-account": west.id },
        body: { url: westHook.url, events: ["contact.created"], include_subaccounts: true },
      }),
    );
    await publishEvent(east.id, "contact.created");
    await settleUp(east.id, org.accountId);
    await drainEndpoint(westEndpoint.id);
    expect(await westHook.received()).toHaveLength(0);
    expect(await countLedgerRows(west.id, "events")).toBe(0);
  });
});

describe("a sub-account's event reports its own endpoints only", () => {
  it("GET /v1/events/{id} lists no internal forwarding hop among its deliveries", async () => {
    const org = await signup();
    const child = await subAccount(org);
    const hook = await newReceiver();
    const acting = { cookie: org.cookie, headers: { "switchboard-account": child.id } };
    const own = await json(
      await call("/v1/webhooks", {
        ...acting,
        body: { url: hook.url, events: ["message.delivered"] },
      }),
    );
    const event = await publishEvent(child.id, "message.delivered");
    await settleUp(child.id, org.accountId);
    await drainEndpoint(own.id);

    const response = await call(`/v1/events/${event.id}`, acting);
    expect(response.status).toBe(200);
    const body = await json(response);
    // The parent is a subscriber inside the ledger, not an endpoint: it used to show up here as
    // `up:acct_…` in state "unknown", read from a stray endpoint object of that name.
    expect(body.deliveries).toEqual([
      expect.objectContaining({ endpoint_id: own.id, state: "delivered", attempts: 1 }),
    ]);
  });
});

/** Seed 003's sample call body, byte for byte but for the receiver's URL. */
const seedBody = (url: string) => `{
"@type": "Integration",
"@context": "/contexts/Integration.jsonld",
"active": true,
"provider": "webhook",
"config": {
"baseUrl": "${url}"
},
"settings": {
"actions": {
"message.received": true,
"message.delivered": true,
"message.failed": true,
"message.unknown": false,
"phone_call.completed": false,
"contact.opted_out": true,
"contact.opted_in": true,
"contact.created": true
}
}
}`;

describe("seed 003 on an org account", () => {
  it("the literal Integrations call on the org slug receives a sub-account's events", async () => {
    const org = await signup();
    const child = await subAccount(org);
    const { key } = await createApiKey(org);
    const receiver = await newReceiver();
    const response = await call(`/${org.slug}/integrations`, {
      method: "POST",
      rawBody: seedBody(receiver.url),
      headers: {
        accept: "application/vnd.textus+jsonld",
        authorization: `Bearer ${key}`,
        "content-type": "application/x-www-form-urlencoded",
      },
    });
    expect(response.status).toBe(201);
    const integration = await json(response);
    expect(integration.settings.includeSubaccounts).toBe(true);

    const event = await publishEvent(child.id, "message.received");
    await settleUp(child.id, org.accountId);
    await drainEndpoint(integration.id);
    const got = await receiver.received();
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      id: event.id,
      account_id: child.id,
      parent_account_id: org.accountId,
    });
  });

  it("an account without sub-accounts gets include_subaccounts false unless the body says so", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin);
    const receiver = await newReceiver();
    const headers = {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
    };
    const plain = await json(
      await call(`/${admin.slug}/integrations`, {
        method: "POST",
        rawBody: seedBody(receiver.url),
        headers,
      }),
    );
    expect(plain.settings.includeSubaccounts).toBe(false);
    const body = JSON.parse(seedBody(receiver.url));
    body.settings.includeSubaccounts = true;
    const chosen = await json(
      await call(`/${admin.slug}/integrations`, {
        method: "POST",
        rawBody: JSON.stringify(body),
        headers,
      }),
    );
    expect(chosen.settings.includeSubaccounts).toBe(true);
  });
});
