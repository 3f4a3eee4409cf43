import { runInDurableObject } from "cloudflare:test";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { ManualClock } from "../../src/services";
import { expectError, json, PASSWORD, sessionCookie, unique } from "../helpers";
import { clockedApp } from "../support/clocked";
import { accountStub, settleAccount } from "../support/ledger";
import { grantNumber, uniqueNumber } from "../support/numbers";
import { newReceiver } from "../support/receiver";

/**
 * The live carrier against a local fake of Twilio's REST API (the loopback receiver scripted to
 * answer as Twilio does), and Twilio's signed callbacks into the worker.
 */

const SID = "ACtest";
const TOKEN = "token-0123456789abcdef";
// Deliberately not the origin the tests call the worker on: signatures must use the public URL.
const PUBLIC = "https://public.switchboard.test";
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

type App = ReturnType<typeof clockedApp>;
type Fake = Awaited<ReturnType<typeof newReceiver>>;

/** Twilio's algorithm written out independently with node:crypto. */
function sign(url: string, params: Record<string, string>, token = TOKEN): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac("sha1", token).update(data, "utf8").digest("base64");
}

async function twilioFake(answer: { status: number; body: Record<string, unknown> }) {
  return newReceiver({
    statuses: [answer.status],
    body: JSON.stringify(answer.body),
    headers: { "content-type": "application/json" },
  });
}

const acceptsMessages = () =>
  twilioFake({ status: 201, body: { sid: `SM${unique("fake")}`, status: "queued" } });

function liveApp(fake: Fake, overrides: Record<string, unknown> = {}) {
  return clockedApp({
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_API_BASE: fake.url,
    PUBLIC_BASE_URL: PUBLIC,
    ...overrides,
  });
}

/** Which account each key and message of these tests belongs to (their ledgers are per account). */
const accountOfKey = new Map<string, string>();
const knownAccounts = new Set<string>();

/** The account object makes the carrier calls, so it gets this app's Twilio settings. */
async function useAppCarrier(app: App, accountId: string) {
  const names = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE", "PUBLIC_BASE_URL"];
  const vars = app.env as unknown as Record<string, unknown>;
  const overrides = Object.fromEntries(names.map((name) => [name, vars[name]]));
  await runInDurableObject<AccountObject, void>(accountStub(accountId), (instance) => {
    instance.envOverrides = overrides;
  });
  knownAccounts.add(accountId);
}

function ledgerQuery<T>(accountId: string, query: string, ...bindings: SqlStorageValue[]) {
  return runInDurableObject<AccountObject, T[]>(
    accountStub(accountId),
    (_instance, state) => state.storage.sql.exec(query, ...bindings).toArray() as T[],
  );
}

async function accountWithKeys(app: App) {
  const signup = await app.fetch("/v1/auth/signup", {
    json: { account_name: unique("Twilio "), email: `${unique()}@example.com`, password: PASSWORD },
  });
  expect(signup.status).toBe(201);
  const cookie = sessionCookie(signup);
  const accountId = (await json(signup)).account.id as string;
  await useAppCarrier(app, accountId);
  const number = uniqueNumber();
  await grantNumber(accountId, number, true);
  const key = async (environment: "production" | "test") => {
    const response = await app.fetch("/v1/api-keys", {
      cookie,
      json: { name: environment, environment },
    });
    expect(response.status).toBe(201);
    return (await json(response)).key as string;
  };
  const live = await key("production");
  const test = await key("test");
  accountOfKey.set(live, accountId);
  accountOfKey.set(test, accountId);
  expect(live).toMatch(/^sk_live_/);
  expect(test).toMatch(/^sk_test_/);
  return { accountId, live, test, number };
}

/** A callback as Twilio sends it: form-encoded, signed over PUBLIC_BASE_URL + path. */
function callback(
  app: App,
  path: string,
  params: Record<string, string>,
  signature: string | null = sign(`${PUBLIC}${path}`, params),
) {
  return app.fetch(path, {
    method: "POST",
    headers: { ...FORM, ...(signature === null ? {} : { "x-twilio-signature": signature }) },
    body: new URLSearchParams(params).toString(),
  });
}

/**
 * Published event types in publish order. The manual clock stands still, so times tie and ids
 * differ only in their random part within one millisecond; rowid is the insertion order.
 */
async function eventTypes(_app: App, accountId: string): Promise<string[]> {
  const rows = await ledgerQuery<{ type: string }>(
    accountId,
    "select type from events order by seq",
  );
  return rows.map((row) => row.type);
}

async function eventPayloads(accountId: string): Promise<Record<string, unknown>[]> {
  const rows = await ledgerQuery<{ payload: string }>(accountId, "select payload from events");
  return rows.map((row) => JSON.parse(row.payload));
}

async function storedMessage(_app: App, id: string) {
  for (const accountId of knownAccounts) {
    const [row] = await ledgerQuery<{
      carrier: string;
      carrier_sid: string | null;
      status: string;
    }>(accountId, "select carrier, carrier_sid, status from messages where id = ?", id);
    if (row) return row;
  }
  return null;
}

async function storedContact(accountId: string, phone: string) {
  const [row] = await ledgerQuery<{ id: string; opted_out: number }>(
    accountId,
    "select id, opted_out from contacts where livemode = 1 and phone = ?",
    phone,
  );
  return row;
}

/** A send, then the hand-off the account object makes after its commit; returns the message as it then is. */
async function send(app: App, key: string, to = "+15551230001", body = "Hello from the test") {
  const response = await app.fetch("/v1/messages", { bearer: key, json: { to, body } });
  expect(response.status).toBe(202);
  const queued = await json(response);
  expect(queued.status).toBe("queued");
  await settleAccount(accountOfKey.get(key) ?? "");
  return json(await app.fetch(`/v1/messages/${queued.id}`, { bearer: key }));
}

async function startCall(app: App, key: string, to: string) {
  const response = await app.fetch("/v1/calls", { bearer: key, json: { to } });
  expect(response.status).toBe(202);
  const queued = await json(response);
  await settleAccount(accountOfKey.get(key) ?? "");
  return json(await app.fetch(`/v1/calls/${queued.id}`, { bearer: key }));
}

const statusPath = (accountId: string, messageId: string) =>
  `/carrier/twilio/${accountId}/messages/${messageId}/status`;

describe("Twilio adapter: sending", () => {
  it("hands a live message to Twilio's REST API with Basic auth and a status callback", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live, number } = await accountWithKeys(app);
    const message = await send(app, live);
    expect(message).toMatchObject({ status: "sent", to: "+15551230001", error_code: null });

    const received = await fake.received();
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toMatch(new RegExp(`/2010-04-01/Accounts/${SID}/Messages\\.json$`));
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`,
    );
    expect(request.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const form = Object.fromEntries(new URLSearchParams(request.body));
    expect(request.headers["user-agent"]).toMatch(/^Switchboard\//);
    expect(form).toEqual({
      To: "+15551230001",
      From: number,
      Body: "Hello from the test",
      StatusCallback: `${PUBLIC}/carrier/twilio/${accountId}/messages/${message.id}/status`,
    });

    const stored = await storedMessage(app, message.id);
    expect(stored).toMatchObject({ carrier: "twilio", status: "sent" });
    expect(stored?.carrier_sid).toMatch(/^SMfake/);
    expect(await eventTypes(app, accountId)).toEqual(["message.sent"]);
  });

  it("test keys never reach Twilio, even when it is configured", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { test } = await accountWithKeys(app);
    const message = await send(app, test);
    const call = await app.fetch("/v1/calls", { bearer: test, json: { to: "+15551230002" } });
    expect(call.status).toBe(202);
    expect(await fake.received()).toEqual([]);
    expect((await storedMessage(app, message.id))?.carrier).toBe("simulated");
  });

  it("live mode without Twilio settings uses the simulated carrier", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake, { PUBLIC_BASE_URL: "" });
    const { live } = await accountWithKeys(app);
    const message = await send(app, live);
    expect(await fake.received()).toEqual([]);
    expect((await storedMessage(app, message.id))?.carrier).toBe("simulated");
  });

  it("a 400 from Twilio fails the message with Twilio's code, never a 500", async () => {
    const fake = await twilioFake({
      status: 400,
      body: {
        code: 21211,
        message: "The 'To' number is not a valid phone number.",
        more_info: "https://www.twilio.com/docs/errors/21211",
        status: 400,
      },
    });
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const message = await send(app, live, "+15551230009");
    expect(message).toMatchObject({
      status: "failed",
      error_code: "21211",
      error_message: "The 'To' number is not a valid phone number.",
    });
    expect((await fake.received()).length).toBe(1);
    expect(await eventTypes(app, accountId)).toEqual(["message.sent", "message.failed"]);
  });

  it("Twilio being down is retried, then fails the message as carrier_unavailable", async () => {
    const fake = await twilioFake({ status: 503, body: { message: "Service Unavailable" } });
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const message = await send(app, live);
    // Still queued: the hand-off is retried (1 s, 5 s, 30 s, 2 min, 10 min), then given up.
    expect(message).toMatchObject({ status: "queued" });
    for (let hour = 1; hour <= 6; hour++) {
      await settleAccount(accountId, (instance) => {
        instance.clock = new ManualClock(Date.now() + hour * 3_600_000);
      });
    }
    expect(await fake.received()).toHaveLength(6);
    const failed = await json(await app.fetch(`/v1/messages/${message.id}`, { bearer: live }));
    expect(failed).toMatchObject({ status: "failed", error_code: "carrier_unavailable" });
    expect(await eventTypes(app, accountId)).toEqual(["message.sent", "message.failed"]);
  });
});

describe("Twilio adapter: message status callbacks", () => {
  it("a signed `delivered` marks the message delivered once", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const message = await send(app, live);
    const path = statusPath(accountId, message.id);

    // Intermediate states change nothing.
    const sent = await callback(app, path, { MessageSid: "SM1", MessageStatus: "sent" });
    expect(sent.status).toBe(204);
    expect((await storedMessage(app, message.id))?.status).toBe("sent");

    const params = { MessageSid: "SM1", MessageStatus: "delivered", AccountSid: SID };
    const delivered = await callback(app, path, params);
    expect(delivered.status).toBe(204);
    const read = await app.fetch(`/v1/messages/${message.id}`, { bearer: live });
    expect(await json(read)).toMatchObject({ status: "delivered", error_code: null });

    // Twilio may repeat a callback: harmless, no second event.
    expect((await callback(app, path, params)).status).toBe(204);
    expect(await eventTypes(app, accountId)).toEqual(["message.sent", "message.delivered"]);
  });

  it("a `failed` callback records Twilio's ErrorCode (and a reason when none is given)", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const message = await send(app, live);
    const response = await callback(app, statusPath(accountId, message.id), {
      MessageSid: "SM2",
      MessageStatus: "failed",
      ErrorCode: "30003",
    });
    expect(response.status).toBe(204);
    const read = await json(await app.fetch(`/v1/messages/${message.id}`, { bearer: live }));
    expect(read).toMatchObject({ status: "failed", error_code: "30003" });
    expect(read.error_message).toMatch(/\w/);
    expect(await eventTypes(app, accountId)).toEqual(["message.sent", "message.failed"]);
  });

  it("an unrecognised final status marks the message unknown", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const message = await send(app, live);
    const response = await callback(app, statusPath(accountId, message.id), {
      MessageStatus: "partially_delivered",
    });
    expect(response.status).toBe(204);
    expect((await storedMessage(app, message.id))?.status).toBe("unknown");
    expect(await eventTypes(app, accountId)).toEqual(["message.sent", "message.unknown"]);
  });

  it("a missing, wrong or tampered signature is refused with 403 and changes nothing", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const message = await send(app, live);
    const path = statusPath(accountId, message.id);
    const params = { MessageSid: "SM3", MessageStatus: "delivered" };

    const attempts = [
      await callback(app, path, params, null),
      await callback(app, path, params, ""),
      await callback(app, path, params, sign(`${PUBLIC}${path}`, params, "another-token")),
      // Signed for the internal URL the worker saw, not the public one Twilio called.
      await callback(app, path, params, sign(`https://switchboard.test${path}`, params)),
      // Signed for `failed`, replayed as `delivered`.
      await callback(
        app,
        path,
        params,
        sign(`${PUBLIC}${path}`, { ...params, MessageStatus: "failed" }),
      ),
    ];
    for (const response of attempts) {
      const error = await expectError(response, 403, "forbidden");
      expect(error.message).toBe("Twilio signature did not verify.");
    }
    expect((await storedMessage(app, message.id))?.status).toBe("sent");
    expect(await eventTypes(app, accountId)).toEqual(["message.sent"]);
  });

  it("a callback naming another account's message has no effect; an unknown account is 404", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const owner = await accountWithKeys(app);
    const other = await accountWithKeys(app);
    const message = await send(app, owner.live);

    // Properly signed, but the message is not in flight in `other`'s account: acknowledged, ignored.
    const response = await callback(app, statusPath(other.accountId, message.id), {
      MessageStatus: "delivered",
    });
    expect(response.status).toBe(204);
    expect((await storedMessage(app, message.id))?.status).toBe("sent");
    expect(await eventTypes(app, other.accountId)).toEqual([]);
    expect(await eventTypes(app, owner.accountId)).toEqual(["message.sent"]);

    const unknown = await callback(app, statusPath("acct_doesnotexist", message.id), {
      MessageStatus: "delivered",
    });
    await expectError(unknown, 404, "not_found");
  });

  it("refuses callbacks when Twilio is not configured (503) and non-form bodies (415)", async () => {
    const fake = await acceptsMessages();
    const unconfigured = liveApp(fake, { TWILIO_AUTH_TOKEN: undefined });
    const path = statusPath("acct_x", "msg_x");
    await expectError(
      await callback(unconfigured, path, { MessageStatus: "delivered" }),
      503,
      "not_configured",
    );

    const app = liveApp(fake);
    const { accountId } = await accountWithKeys(app);
    const jsonBody = await app.fetch(statusPath(accountId, "msg_x"), {
      json: { MessageStatus: "delivered" },
      headers: { "x-twilio-signature": sign(`${PUBLIC}${statusPath(accountId, "msg_x")}`, {}) },
    });
    await expectError(jsonBody, 415, "unsupported_media_type");
    // Signed but without the required MessageStatus: a validation error, not a 500.
    await expectError(await callback(app, statusPath(accountId, "msg_x"), {}), 422);
  });
});

describe("Twilio adapter: inbound messages", () => {
  it("a signed inbound SMS is stored, creates the contact and emits message.received", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live, number } = await accountWithKeys(app);
    const path = `/carrier/twilio/${accountId}/inbound`;
    const params = {
      MessageSid: `SM${unique("in")}`,
      AccountSid: SID,
      From: "+15557654321",
      To: number,
      Body: "Hi there",
      NumMedia: "0",
    };
    const response = await callback(app, path, params);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(await response.text()).toBe(EMPTY_TWIML);

    const list = await json(await app.fetch("/v1/messages?direction=inbound", { bearer: live }));
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      direction: "inbound",
      from: "+15557654321",
      to: number,
      body: "Hi there",
      status: "received",
    });
    const stored = await storedMessage(app, list.data[0].id);
    expect(stored).toMatchObject({ carrier: "twilio", carrier_sid: params.MessageSid });
    const contact = await storedContact(accountId, "+15557654321");
    expect(contact?.opted_out).toBe(0);
    expect(list.data[0].contact_id).toBe(contact?.id);

    // Twilio retrying the same MessageSid does not store it twice.
    expect((await callback(app, path, params)).status).toBe(200);
    const again = await json(await app.fetch("/v1/messages?direction=inbound", { bearer: live }));
    expect(again.data).toHaveLength(1);
    expect(await eventTypes(app, accountId)).toEqual(["contact.created", "message.received"]);
  });

  it("an inbound STOP opts the contact out, and sending to them is then refused", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, live, number } = await accountWithKeys(app);
    const response = await callback(app, `/carrier/twilio/${accountId}/inbound`, {
      MessageSid: `SM${unique("stop")}`,
      From: "+15557650000",
      To: number,
      Body: " stop ",
    });
    expect(response.status).toBe(200);
    const contact = await storedContact(accountId, "+15557650000");
    expect(contact?.opted_out).toBe(1);
    expect(await eventTypes(app, accountId)).toContain("contact.opted_out");

    const refused = await app.fetch("/v1/messages", {
      bearer: live,
      json: { to: "+15557650000", body: "Still there?" },
    });
    await expectError(refused, 422, "contact_opted_out");
    expect(await fake.received()).toEqual([]);
  });

  it("refuses an unsigned inbound (403) and a bad E.164 sender (422), storing nothing", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const { accountId, number } = await accountWithKeys(app);
    const path = `/carrier/twilio/${accountId}/inbound`;
    const params = { MessageSid: "SMx", From: "+15557654321", To: number, Body: "x" };
    await expectError(
      await callback(app, path, params, sign(`${PUBLIC}${path}`, params, "nope")),
      403,
      "forbidden",
    );
    await expectError(await callback(app, path, params, null), 403, "forbidden");
    await expectError(
      await callback(app, path, { ...params, From: "Twilio" }),
      422,
      "validation_failed",
    );
    await expectError(
      await callback(app, path, { ...params, To: "5005550006" }),
      422,
      "validation_failed",
    );
    expect(await eventTypes(app, accountId)).toEqual([]);
  });
});

describe("Twilio adapter: calls", () => {
  it("starts a live call through Twilio and completes it from the signed status callback", async () => {
    const fake = await twilioFake({
      status: 201,
      body: { sid: `CA${unique("fake")}`, status: "queued" },
    });
    const app = liveApp(fake);
    const { accountId, live, number } = await accountWithKeys(app);
    const call = await startCall(app, live, "+15551239999");
    expect(call.status).toBe("in-progress");

    const [request] = await fake.received();
    expect(request?.path).toMatch(new RegExp(`/2010-04-01/Accounts/${SID}/Calls\\.json$`));
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`,
    );
    const form = Object.fromEntries(new URLSearchParams(request?.body));
    expect(form).toMatchObject({
      To: "+15551239999",
      From: number,
      Record: "true",
      StatusCallback: `${PUBLIC}/carrier/twilio/${accountId}/calls/${call.id}/status`,
      StatusCallbackEvent: "completed",
    });
    expect(form.Twiml).toMatch(/^<Response><Say>.+<\/Say><\/Response>$/);

    const path = `/carrier/twilio/${accountId}/calls/${call.id}/status`;
    const recording = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE123";
    const done = await callback(app, path, {
      CallSid: "CA1",
      CallStatus: "completed",
      CallDuration: "42",
      RecordingUrl: recording,
    });
    expect(done.status).toBe(204);
    const read = await json(await app.fetch(`/v1/calls/${call.id}`, { bearer: live }));
    expect(read).toMatchObject({
      status: "completed",
      duration_seconds: 42,
      recording_url: recording,
    });
    expect(read.completed_at).toBeTypeOf("string");
    expect(await eventTypes(app, accountId)).toEqual(["phone_call.completed"]);
    const [event] = await eventPayloads(accountId);
    expect(event?.data).toMatchObject({
      id: call.id,
      status: "completed",
      duration_seconds: 42,
      recording_url: recording,
    });
  });

  it("a canceled call ends failed without a recording; bad signatures are refused", async () => {
    const fake = await twilioFake({ status: 201, body: { sid: "CAfake2", status: "queued" } });
    const app = liveApp(fake);
    const { accountId, live } = await accountWithKeys(app);
    const call = await startCall(app, live, "+15551238888");
    const path = `/carrier/twilio/${accountId}/calls/${call.id}/status`;
    const params = { CallStatus: "canceled", CallDuration: "0" };
    await expectError(await callback(app, path, params, "bm90IGEgc2lnbmF0dXJl"), 403, "forbidden");
    expect((await callback(app, path, params)).status).toBe(204);
    const read = await json(await app.fetch(`/v1/calls/${call.id}`, { bearer: live }));
    expect(read).toMatchObject({ status: "failed", duration_seconds: 0, recording_url: null });
  });
});

describe("Twilio callbacks in the OpenAPI document", () => {
  it("lists the three callback routes under `Carrier callbacks`, without API key security", async () => {
    const fake = await acceptsMessages();
    const app = liveApp(fake);
    const doc = await json(await app.fetch("/openapi.json"));
    for (const path of [
      "/carrier/twilio/{account_id}/messages/{message_id}/status",
      "/carrier/twilio/{account_id}/calls/{call_id}/status",
      "/carrier/twilio/{account_id}/inbound",
    ]) {
      const operation = doc.paths[path]?.post;
      expect(operation?.tags).toEqual(["Carrier callbacks"]);
      expect(operation?.security).toEqual([]);
      expect(Object.keys(operation?.requestBody?.content ?? {})).toEqual([
        "application/x-www-form-urlencoded",
      ]);
    }
  });
});
