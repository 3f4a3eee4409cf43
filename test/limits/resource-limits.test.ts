import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError, json } from "../helpers";
import { harness } from "../http/harness";
import { uniqueNumber } from "../support/numbers";

const rowsOf = async (table: string, accountId: string) =>
  (
    await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`)
      .bind(accountId)
      .first<{ n: number }>()
  )?.n ?? 0;

const webhookBody = { url: "https://www.example.com/callback", events: ["message.sent"] };

describe("MAX_ENDPOINTS_PER_ACCOUNT", () => {
  it("allows the limit, refuses the next with 422 limit_reached and writes nothing", async () => {
    const app = harness({ vars: { MAX_ENDPOINTS_PER_ACCOUNT: "2" } });
    const admin = await app.signup();
    const created = [];
    for (let i = 0; i < 2; i++) {
      const response = await app.send("/v1/webhooks", { cookie: admin.cookie, body: webhookBody });
      expect(response.status).toBe(201);
      created.push(await json(response));
    }
    const error = await expectError(
      await app.send("/v1/webhooks", { cookie: admin.cookie, body: webhookBody }),
      422,
      "limit_reached",
    );
    expect(error.details).toEqual({ limit: 2 });
    expect(error.message).toMatch(/MAX_ENDPOINTS_PER_ACCOUNT/);
    expect(await rowsOf("webhook_endpoints", admin.accountId)).toBe(2);
    const listed = await json(await app.send("/v1/webhooks", { cookie: admin.cookie }));
    expect(listed.data).toHaveLength(2);

    // The Integrations API creates endpoints too: the same limit, the same answer.
    const account = await json(await app.send("/v1/account", { cookie: admin.cookie }));
    const integration = {
      active: true,
      provider: "webhook",
      config: { baseUrl: "https://www.example.com/callback" },
      settings: { actions: { "message.received": true } },
    };
    await expectError(
      await app.send(`/${account.account.slug}/integrations`, {
        cookie: admin.cookie,
        body: integration,
      }),
      422,
      "limit_reached",
    );
    expect(await rowsOf("webhook_endpoints", admin.accountId)).toBe(2);

    // A deleted endpoint no longer counts.
    const deleted = await app.send(`/v1/webhooks/${created[0]?.id}`, {
      cookie: admin.cookie,
      method: "DELETE",
    });
    expect(deleted.status).toBe(200);
    expect(
      (await app.send("/v1/webhooks", { cookie: admin.cookie, body: webhookBody })).status,
    ).toBe(201);
  });

  it("counts per account: another account is unaffected", async () => {
    const app = harness({ vars: { MAX_ENDPOINTS_PER_ACCOUNT: "1" } });
    const one = await app.signup();
    const two = await app.signup();
    expect((await app.send("/v1/webhooks", { cookie: one.cookie, body: webhookBody })).status).toBe(
      201,
    );
    expect((await app.send("/v1/webhooks", { cookie: two.cookie, body: webhookBody })).status).toBe(
      201,
    );
  });

  it("concurrent creates never pass the limit together", async () => {
    const app = harness({ vars: { MAX_ENDPOINTS_PER_ACCOUNT: "3" } });
    const admin = await app.signup();
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.send("/v1/webhooks", { cookie: admin.cookie, body: webhookBody }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(statuses.filter((status) => status === 422)).toHaveLength(3);
    expect(await rowsOf("webhook_endpoints", admin.accountId)).toBe(3);
  });
});

describe("MAX_PHONE_NUMBERS_PER_ACCOUNT", () => {
  it("allows the limit across both modes, refuses the next and leaves the number free", async () => {
    const app = harness({ vars: { MAX_PHONE_NUMBERS_PER_ACCOUNT: "2" } });
    const admin = await app.signup();
    const add = (cookie: string, number: string) =>
      app.send("/v1/phone-numbers", { cookie, body: { number, livemode: false } });
    expect((await add(admin.cookie, uniqueNumber())).status).toBe(201);
    expect(
      (
        await app.send("/v1/phone-numbers", {
          cookie: admin.cookie,
          body: { number: uniqueNumber(), livemode: true },
        })
      ).status,
    ).toBe(201);
    const refusedNumber = uniqueNumber();
    const error = await expectError(await add(admin.cookie, refusedNumber), 422, "limit_reached");
    expect(error.details).toEqual({ limit: 2 });
    expect(error.message).toMatch(/MAX_PHONE_NUMBERS_PER_ACCOUNT/);
    expect(await rowsOf("phone_numbers", admin.accountId)).toBe(2);

    // Nothing of the refused claim is left: the account may not send from it, another may claim it.
    const key = await json(
      await app.send("/v1/api-keys", {
        cookie: admin.cookie,
        body: { name: "k", environment: "test" },
      }),
    );
    await expectError(
      await app.send("/v1/messages", {
        bearer: key.key,
        body: { to: uniqueNumber(), from: refusedNumber, body: "hi" },
      }),
      422,
      "from_not_owned",
    );
    const other = await app.signup();
    expect((await add(other.cookie, refusedNumber)).status).toBe(201);

    // A released number no longer counts.
    const listed = await json(await app.send("/v1/phone-numbers", { cookie: admin.cookie }));
    const released = await app.send(`/v1/phone-numbers/${listed.data[0].id}`, {
      cookie: admin.cookie,
      method: "DELETE",
    });
    expect(released.status).toBe(200);
    expect((await add(admin.cookie, uniqueNumber())).status).toBe(201);
  });
});

describe("MAX_SUBACCOUNTS_PER_ACCOUNT under concurrency", () => {
  it("concurrent creates never pass the limit together, and a refused one leaves no ancestry", async () => {
    const app = harness({ vars: { MAX_SUBACCOUNTS_PER_ACCOUNT: "2" } });
    const admin = await app.signup();
    const statuses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        app
          .send("/v1/accounts", { cookie: admin.cookie, body: { name: `Branch ${i}` } })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(2);
    expect(statuses.filter((status) => status === 422)).toHaveLength(3);
    const children = await env.DB.prepare("SELECT id FROM accounts WHERE parent_account_id = ?")
      .bind(admin.accountId)
      .all<{ id: string }>();
    expect(children.results).toHaveLength(2);
    const ancestry = await env.DB.prepare(
      "SELECT count(*) AS n FROM account_ancestors WHERE ancestor_id = ?",
    )
      .bind(admin.accountId)
      .first<{ n: number }>();
    expect(ancestry?.n).toBe(2);
  });
});
