import { describe, expect, it } from "vitest";
import { call, expectError, json, signup, type TestAccount } from "../helpers";
import { createApiKey } from "../support/keys";
import { uniqueNumber } from "../support/numbers";
import { newReceiver } from "../support/receiver";
import { orgTree } from "./support";

/**
 * The hierarchy's isolation matrix: every id-taking route, from every position in the tree.
 * A child never reaches up or sideways; an ancestor reaches down only with Switchboard-Account;
 * test and live data stay apart at every level.
 */
const as = (accountId: string) => ({ "switchboard-account": accountId });

interface Credential {
  cookie?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

/** Keys created in `accountId` by an ancestor admin acting there (it is admin there). */
async function keyIn(org: TestAccount, accountId: string, environment: "test" | "production") {
  const response = await call("/v1/api-keys", {
    cookie: org.cookie,
    headers: as(accountId),
    body: { name: environment, environment },
  });
  expect(response.status).toBe(201);
  const key = await json(response);
  expect(key.account_id ?? accountId).toBe(accountId);
  return key.key as string;
}

/** One of each id-addressed resource in `accountId`, made through the API in `mode`. */
async function resourcesIn(org: TestAccount, accountId: string, key: string) {
  const contact = await json(
    await call("/v1/contacts", { bearer: key, body: { phone: uniqueNumber() } }),
  );
  const message = await json(
    await call("/v1/messages", { bearer: key, body: { to: uniqueNumber(), body: "hi" } }),
  );
  const call_ = await json(await call("/v1/calls", { bearer: key, body: { to: uniqueNumber() } }));
  const events = await json(await call("/v1/events", { bearer: key }));
  const receiver = await newReceiver();
  const webhook = await json(
    await call("/v1/webhooks", {
      cookie: org.cookie,
      headers: as(accountId),
      body: { url: receiver.url, events: ["message.sent"] },
    }),
  );
  return {
    contact: contact.id as string,
    message: message.id as string,
    call: call_.id as string,
    event: events.data[0].id as string,
    webhook: webhook.id as string,
  };
}

const READS = (ids: Awaited<ReturnType<typeof resourcesIn>>) => [
  `/v1/contacts/${ids.contact}`,
  `/v1/messages/${ids.message}`,
  `/v1/calls/${ids.call}`,
  `/v1/events/${ids.event}`,
  `/v1/webhooks/${ids.webhook}`,
  `/v1/webhooks/${ids.webhook}/deliveries`,
];

async function status(path: string, credential: Credential) {
  const response = await call(path, credential);
  await response.arrayBuffer();
  return response.status;
}

describe("Switchboard-Account isolation matrix", () => {
  it("ancestors reach down only with the header; children never reach up or sideways; modes stay apart", async () => {
    const org = await signup();
    const { east, west, eastOne } = await orgTree(org);
    // Test-mode resources in the grandchild, made by the org's admin acting there.
    const eastOneTest = await keyIn(org, eastOne.id, "test");
    await call("/v1/phone-numbers", {
      cookie: org.cookie,
      headers: as(eastOne.id),
      body: { number: uniqueNumber(), livemode: false },
    });
    const ids = await resourcesIn(org, eastOne.id, eastOneTest);

    const orgTest = (await createApiKey(org, { environment: "test" })).key;
    const orgLive = (await createApiKey(org, { environment: "production" })).key;
    const eastTest = await keyIn(org, east.id, "test");
    const westTest = await keyIn(org, west.id, "test");

    const allowed: [string, Credential][] = [
      ["org test key acting in the grandchild", { bearer: orgTest, headers: as(eastOne.id) }],
      ["parent test key acting in its child", { bearer: eastTest, headers: as(eastOne.id) }],
      ["the grandchild's own key", { bearer: eastOneTest }],
    ];
    const refused: [string, Credential][] = [
      ["org test key without the header", { bearer: orgTest }],
      [
        "org live key acting in the grandchild (other mode)",
        { bearer: orgLive, headers: as(eastOne.id) },
      ],
      ["parent key without the header", { bearer: eastTest }],
      ["sibling's key", { bearer: westTest }],
      ["org session without the header", { cookie: org.cookie }],
    ];
    for (const path of READS(ids)) {
      for (const [who, credential] of allowed) {
        // Sessions and the event log: webhooks are not mode-scoped, the rest need the key's mode.
        expect([who, path, await status(path, credential)]).toEqual([who, path, 200]);
      }
      for (const [who, credential] of refused) {
        const got = await status(path, credential);
        const webhookRoute = path.startsWith("/v1/webhooks/");
        // Webhook endpoints have no mode: a live key of the org acting in the child may read them.
        if (webhookRoute && who.startsWith("org live key")) continue;
        expect([who, path, got]).toEqual([who, path, 404]);
      }
    }

    // Upward and sideways with the header: 404 before anything else is looked at.
    const upOrSideways: [string, Credential][] = [
      ["grandchild key naming its parent", { bearer: eastOneTest, headers: as(east.id) }],
      ["grandchild key naming the org", { bearer: eastOneTest, headers: as(org.accountId) }],
      ["child key naming its sibling", { bearer: eastTest, headers: as(west.id) }],
      ["sibling key naming the grandchild", { bearer: westTest, headers: as(eastOne.id) }],
      ["unknown account", { bearer: orgTest, headers: as("acct_0000000000000000000000") }],
      ["not an account id", { bearer: orgTest, headers: as("../../etc") }],
    ];
    for (const [who, credential] of upOrSideways) {
      for (const path of ["/v1/account", "/v1/contacts", `/v1/contacts/${ids.contact}`]) {
        const response = await call(path, credential);
        expect([who, path, response.status]).toEqual([who, path, 404]);
        await expectError(response, 404, "not_found");
      }
    }
  });

  it("the admin-only id routes: phone numbers, users, api keys and sub-accounts", async () => {
    const org = await signup();
    const { east, west } = await orgTree(org);
    const number = await json(
      await call("/v1/phone-numbers", {
        cookie: org.cookie,
        headers: as(east.id),
        body: { number: uniqueNumber(), livemode: false },
      }),
    );
    expect(number.account_id).toBe(east.id);
    const key = await json(
      await call("/v1/api-keys", {
        cookie: org.cookie,
        headers: as(east.id),
        body: { name: "east", environment: "test" },
      }),
    );
    const user = await json(
      await call("/v1/users", {
        cookie: org.cookie,
        headers: as(east.id),
        body: {
          email: `east${Date.now()}@example.com`,
          role: "member",
          password: "correct horse battery",
        },
      }),
    );
    expect(user.account_id).toBe(east.id);
    const routes: [string, string, unknown?][] = [
      ["PATCH", `/v1/users/${user.id}`, { role: "member" }],
      ["GET", `/v1/api-keys/${key.id}`],
      ["DELETE", `/v1/phone-numbers/${number.id}`],
    ];
    for (const [method, path, body] of routes) {
      for (const headers of [{}, as(west.id)]) {
        const response = await call(path, { method, cookie: org.cookie, headers, body });
        expect([path, headers, response.status]).toEqual([path, headers, 404]);
      }
    }
    for (const [method, path, body] of routes) {
      const response = await call(path, { method, cookie: org.cookie, headers: as(east.id), body });
      expect([path, response.status]).toEqual([path, 200]);
    }
  });

  it("the header never stands in for a credential: without one it is still 401", async () => {
    const org = await signup();
    const { east } = await orgTree(org);
    for (const path of ["/v1/account", "/v1/contacts", "/v1/accounts"]) {
      await expectError(await call(path, { headers: as(east.id) }), 401);
    }
  });

  it("GET /v1/me and /v1/account say which account the request acted in", async () => {
    const org = await signup();
    const { east } = await orgTree(org);
    const me = await json(await call("/v1/me", { cookie: org.cookie, headers: as(east.id) }));
    expect(me.account.id).toBe(org.accountId);
    expect(me.acting_account.id).toBe(east.id);
    const plain = await json(await call("/v1/me", { cookie: org.cookie }));
    expect(plain.acting_account.id).toBe(org.accountId);

    const { key } = await createApiKey(org, { environment: "test", scopes: ["messages:read"] });
    const whoami = await json(await call("/v1/account", { bearer: key, headers: as(east.id) }));
    expect(whoami.account).toMatchObject({ id: east.id, parent_account_id: org.accountId });
    expect(whoami.credential).toMatchObject({
      type: "api_key",
      account_id: org.accountId,
      livemode: false,
      scopes: ["messages:read"],
    });
    // Its own scopes there too: a read-only key cannot send in the child.
    await expectError(
      await call("/v1/messages", {
        bearer: key,
        headers: as(east.id),
        body: { to: "+15555550111", body: "x" },
      }),
      403,
      "insufficient_scope",
    );
  });
});
