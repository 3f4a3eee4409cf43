import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError, json, PASSWORD } from "../helpers";
import { clockedApp } from "../support/clocked";
import { CONNECTION_LOST, failingNamespace, OVERLOADED } from "../support/faults";
import { publishEvent } from "../support/ledger";
import { uniqueNumber } from "../support/numbers";
import { newReceiver } from "../support/receiver";
import { callback, PUBLIC, SID, TOKEN } from "../support/twilio";
import { harness } from "./harness";

type Sent = Awaited<ReturnType<ReturnType<typeof harness>["send"]>>;

async function expectUnavailable(response: Sent) {
  await expectError(response, 503, "unavailable");
  expect(response.headers.get("retry-after")).toBe("1");
}

const webhookBody = { url: "https://www.example.com/callback", events: ["message.sent"] };

const endpointRows = async (accountId: string) =>
  (
    await env.DB.prepare("SELECT * FROM webhook_endpoints WHERE account_id = ?")
      .bind(accountId)
      .all()
  ).results;

/** A healthy app and one whose `binding` fails, over the same D1 and objects. */
async function withBroken(
  binding: "WEBHOOK_ENDPOINT" | "ACCOUNT" | "THROTTLE",
  message: string,
  methods?: string[],
) {
  const healthy = harness();
  const admin = await healthy.signup();
  const broken = harness({
    vars: { [binding]: failingNamespace(env[binding], message, methods) },
  });
  return { healthy, broken, admin };
}

describe.each([OVERLOADED, CONNECTION_LOST])("webhook endpoint objects failing (%s)", (message) => {
  it("every webhook route answers 503 with Retry-After and writes nothing", async () => {
    const { healthy, broken, admin } = await withBroken("WEBHOOK_ENDPOINT", message);
    const cookie = admin.cookie;

    await expectUnavailable(await broken.send("/v1/webhooks", { cookie, body: webhookBody }));
    expect(await endpointRows(admin.accountId)).toEqual([]);

    // A local receiver: the published event is really delivered by the healthy path.
    const receiver = await newReceiver();
    const created = await json(
      await healthy.send("/v1/webhooks", {
        cookie,
        body: { ...webhookBody, url: receiver.url },
      }),
    );
    const event = await publishEvent(admin.accountId, "message.sent", false);
    const before = await endpointRows(admin.accountId);
    const path = `/v1/webhooks/${created.id}`;
    for (const [route, options] of [
      ["/v1/webhooks", {}],
      [path, {}],
      [`${path}/stats`, {}],
      [`${path}/deliveries`, {}],
      [path, { method: "PATCH", body: { description: "changed" } }],
      [`${path}/rotate-secret`, { body: { grace_period_seconds: 0 } }],
      [`${path}/replay`, { body: { since: new Date(0).toISOString() } }],
      [`/v1/events/${event.id}/redeliver`, { body: {} }],
      [`/v1/events/${event.id}`, {}],
      [path, { method: "DELETE" }],
    ] as const) {
      await expectUnavailable(await broken.send(route, { cookie, ...options }));
    }
    // The refused update, rotation and deletion left the endpoint as it was (only its
    // updated_at moved on, so an object that did take a change is overwritten).
    const after = await endpointRows(admin.accountId);
    expect(after.map(({ updated_at: _, ...row }) => row)).toEqual(
      before.map(({ updated_at: _, ...row }) => row),
    );
    const shown = await json(await healthy.send(path, { cookie }));
    expect(shown.description).toBeNull();
    // The healthy path still works on it, end to end.
    expect((await healthy.send(path, { cookie, method: "DELETE" })).status).toBe(200);
  });
});

describe("the account object failing on control-plane routes (session, no key check)", () => {
  it("webhook create, update and delete answer 503 and leave D1 as it was", async () => {
    const { healthy, broken, admin } = await withBroken("ACCOUNT", OVERLOADED, [
      "syncEndpoint",
      "removeEndpoint",
    ]);
    const cookie = admin.cookie;
    await expectUnavailable(await broken.send("/v1/webhooks", { cookie, body: webhookBody }));
    expect(await endpointRows(admin.accountId)).toEqual([]);

    const created = await json(await healthy.send("/v1/webhooks", { cookie, body: webhookBody }));
    const path = `/v1/webhooks/${created.id}`;
    await expectUnavailable(
      await broken.send(path, { cookie, method: "PATCH", body: { description: "changed" } }),
    );
    expect((await json(await healthy.send(path, { cookie }))).description).toBeNull();
    // Deleting needs only the endpoint's own object: the subscription follows on the refresh.
    expect((await broken.send(path, { cookie, method: "DELETE" })).status).toBe(200);
    expect(await endpointRows(admin.accountId)).toEqual([]);
  });

  it("phone numbers, sub-accounts, help text, replay and redelivery answer 503", async () => {
    const { healthy, broken, admin } = await withBroken("ACCOUNT", OVERLOADED);
    const cookie = admin.cookie;
    const number = uniqueNumber();
    await expectUnavailable(
      await broken.send("/v1/phone-numbers", { cookie, body: { number, livemode: false } }),
    );
    const numbers = await json(await healthy.send("/v1/phone-numbers", { cookie }));
    expect(numbers.data).toEqual([]);
    await expectUnavailable(await broken.send("/v1/accounts", { cookie, body: { name: "Sub" } }));
    expect((await json(await healthy.send("/v1/accounts", { cookie }))).data).toEqual([]);
    await expectUnavailable(
      await broken.send("/v1/account", { cookie, method: "PATCH", body: { help_text: "Hi" } }),
    );
    const created = await json(await healthy.send("/v1/webhooks", { cookie, body: webhookBody }));
    await expectUnavailable(
      await broken.send(`/v1/webhooks/${created.id}/replay`, {
        cookie,
        body: { since: new Date(0).toISOString() },
      }),
    );
    await expectUnavailable(
      await broken.send("/v1/events/evt_0VZ2xTqK3aBcDeFgHiJkLmNoP/redeliver", { cookie, body: {} }),
    );
    for (const path of ["/v1/messages", "/v1/events", "/v1/contacts"]) {
      await expectUnavailable(await broken.send(path, { cookie }));
    }
  });
});

describe("the throttle object failing", () => {
  it.each([OVERLOADED, CONNECTION_LOST])(
    "log-in and sign-up answer 503 (%s), nothing created",
    async (message) => {
      const { broken, admin } = await withBroken("THROTTLE", message);
      await expectUnavailable(
        await broken.send("/v1/auth/login", { body: { email: admin.email, password: PASSWORD } }),
      );
      const email = `${crypto.randomUUID()}@example.com`;
      await expectUnavailable(
        await broken.send("/v1/auth/signup", {
          body: { account_name: "Nope", email, password: PASSWORD },
        }),
      );
      const user = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first();
      expect(user).toBeNull();
    },
  );
});

describe("the account object failing on carrier callbacks", () => {
  it("a signed Twilio inbound message or recording answers 503, so Twilio may retry", async () => {
    const healthy = harness();
    const admin = await healthy.signup();
    const app = clockedApp({
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_API_BASE: "https://twilio.invalid",
      PUBLIC_BASE_URL: PUBLIC,
      ACCOUNT: failingNamespace(env.ACCOUNT, CONNECTION_LOST),
    });
    const inbound = await callback(app, `/carrier/twilio/${admin.accountId}/inbound`, {
      MessageSid: "SMfault0000000000000000000000000000",
      AccountSid: SID,
      From: "+15557654321",
      To: uniqueNumber(),
      Body: "Hi",
      NumMedia: "0",
    });
    await expectUnavailable(inbound);
    const recording = await callback(
      app,
      `/carrier/twilio/${admin.accountId}/calls/call_0VZ2xTqK3aBcDeFgHiJkLmNoP/recording`,
      {
        AccountSid: SID,
        CallSid: "CAfault0000000000000000000000000000",
        RecordingSid: "REfault0000000000000000000000000000",
        RecordingStatus: "completed",
        RecordingUrl: "https://api.twilio.com/recording",
      },
    );
    await expectUnavailable(recording);
  });
});
