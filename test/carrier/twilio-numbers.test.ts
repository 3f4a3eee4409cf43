import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { ManualClock } from "../../src/services";
import { expectError, json, unique } from "../helpers";
import { accountStub, countLedgerRows, settleAccount } from "../support/ledger";
import { grantNumber, uniqueNumber } from "../support/numbers";
import {
  type App,
  callback,
  liveAccount,
  liveApp,
  PUBLIC,
  SID,
  twilioFake,
} from "../support/twilio";

/**
 * Numbers that belong to accounts, checked against Twilio's IncomingPhoneNumbers (the local
 * fake), callbacks routed by number, and recordings arriving in their own callback.
 */

/** A fake that lists `numbers` as the Twilio account's own and accepts sends and calls. */
const fakeOwning = (...numbers: string[]) =>
  twilioFake(
    {
      incoming_phone_numbers: numbers.map((phone_number) => ({ phone_number })),
      sid: `CA${unique("fake")}`,
      status: "queued",
    },
    201,
  );

async function ownedLiveAccount(numbers: string[]) {
  const fake = await fakeOwning(...numbers);
  const app = liveApp(fake);
  const account = await liveAccount(app);
  return { app, fake, ...account };
}

async function claim(app: App, cookie: string, number: string) {
  return app.fetch("/v1/phone-numbers", { cookie, json: { number, livemode: true } });
}

const ledgerRows = <T>(accountId: string, query: string, ...bindings: SqlStorageValue[]) =>
  runInDurableObject<AccountObject, T[]>(
    accountStub(accountId),
    (_instance, state) => state.storage.sql.exec(query, ...bindings).toArray() as T[],
  );

describe("live numbers must be the Twilio account's", () => {
  it("checks IncomingPhoneNumbers (with a User-Agent); an unknown number is 422 and stored nowhere", async () => {
    const number = uniqueNumber();
    const { app, fake, cookie } = await ownedLiveAccount([number]);
    const created = await claim(app, cookie, number);
    expect(created.status).toBe(201);
    const [lookup] = await fake.received();
    expect(lookup?.method).toBe("GET");
    expect(lookup?.path).toContain(`/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`);
    expect(lookup?.path).toContain(`PhoneNumber=${encodeURIComponent(number)}`);
    expect(lookup?.headers["user-agent"]).toMatch(/^Switchboard\//);

    const stranger = uniqueNumber();
    await expectError(await claim(app, cookie, stranger), 422, "number_not_in_carrier");
    const listed = await json(await app.fetch("/v1/phone-numbers", { cookie }));
    expect(listed.data.map((row: { number: string }) => row.number)).toEqual([number]);
    // Test numbers are not the carrier's business.
    const before = (await fake.received()).length;
    const test = await app.fetch("/v1/phone-numbers", {
      cookie,
      json: { number: stranger, livemode: false },
    });
    expect(test.status).toBe(201);
    expect(await fake.received()).toHaveLength(before);
  });
});

describe("callbacks are routed by number", () => {
  it("inbound goes to the account owning `To`; an unknown number is refused and stores nothing", async () => {
    const number = uniqueNumber();
    const { app, cookie, accountId, live } = await ownedLiveAccount([number]);
    await claim(app, cookie, number);
    const params = {
      MessageSid: `SM${unique("in")}`,
      From: "+15557654000",
      To: number,
      Body: "hi",
    };
    const response = await callback(app, "/carrier/twilio/inbound", params);
    expect(response.status).toBe(200);
    const list = await json(await app.fetch("/v1/messages?direction=inbound", { bearer: live }));
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ to: number, from: "+15557654000", body: "hi" });

    const unknown = await callback(app, "/carrier/twilio/inbound", {
      ...params,
      MessageSid: `SM${unique("x")}`,
      To: uniqueNumber(),
    });
    await expectError(unknown, 404, "not_found");
    expect(await countLedgerRows(accountId, "messages")).toBe(1);
  });

  it("another account cannot receive for a number, nor take status callbacks from it", async () => {
    const number = uniqueNumber();
    const owner = await ownedLiveAccount([number]);
    await claim(owner.app, owner.cookie, number);
    const other = await liveAccount(owner.app);
    const otherNumber = uniqueNumber();
    // Granted without Twilio so the other account can send at all.
    await grantNumber(other.accountId, otherNumber, true);

    const inbound = await callback(owner.app, `/carrier/twilio/${other.accountId}/inbound`, {
      MessageSid: `SM${unique("in")}`,
      From: "+15557654001",
      To: number,
      Body: "for the owner",
    });
    await expectError(inbound, 404, "not_found");
    expect(await countLedgerRows(other.accountId, "messages")).toBe(0);
    expect(await countLedgerRows(owner.accountId, "messages")).toBe(0);

    const sent = await json(
      await owner.app.fetch("/v1/messages", {
        bearer: other.live,
        json: { to: "+15557654002", body: "x" },
      }),
    );
    expect(sent.from).toBe(otherNumber);
    await expectError(
      await owner.app.fetch("/v1/messages", {
        bearer: other.live,
        json: { to: "+15557654002", body: "x", from: number },
      }),
      422,
      "from_not_owned",
    );
    await settleAccount(other.accountId);
    // A status callback claiming to come from the owner's number is refused for this account.
    const status = await callback(
      owner.app,
      `/carrier/twilio/${other.accountId}/messages/${sent.id}/status`,
      { MessageSid: "SM1", From: number, MessageStatus: "delivered" },
    );
    await expectError(status, 404, "not_found");
    const read = await json(
      await owner.app.fetch(`/v1/messages/${sent.id}`, { bearer: other.live }),
    );
    expect(read.status).not.toBe("delivered");
  });
});

describe("recordings arrive in their own callback", () => {
  async function liveCall() {
    const number = uniqueNumber();
    const setup = await ownedLiveAccount([number]);
    await claim(setup.app, setup.cookie, number);
    const queued = await json(
      await setup.app.fetch("/v1/calls", { bearer: setup.live, json: { to: "+15557650101" } }),
    );
    await settleAccount(setup.accountId);
    const requests = await setup.fake.received();
    const form = Object.fromEntries(new URLSearchParams(requests.at(-1)?.body));
    const base = `/carrier/twilio/${setup.accountId}/calls/${queued.id}`;
    return { ...setup, number, callId: queued.id as string, form, base };
  }
  const completedEvents = async (accountId: string) =>
    ledgerRows<{ payload: string }>(
      accountId,
      "select payload from events where type = 'phone_call.completed'",
    );
  const recording = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE42";

  it("a completed call waits for RecordingStatusCallback, then completes once with its URL", async () => {
    const { app, live, accountId, callId, form, base, number } = await liveCall();
    expect(form).toMatchObject({
      From: number,
      RecordingStatusCallback: `${PUBLIC}${base}/recording`,
      RecordingStatusCallbackEvent: "completed",
    });
    const status = await callback(app, `${base}/status`, {
      CallSid: "CA1",
      From: number,
      CallStatus: "completed",
      CallDuration: "17",
    });
    expect(status.status).toBe(204);
    expect((await json(await app.fetch(`/v1/calls/${callId}`, { bearer: live }))).status).toBe(
      "in-progress",
    );
    expect(await completedEvents(accountId)).toHaveLength(0);

    const params = {
      CallSid: "CA1",
      RecordingSid: "RE42",
      RecordingStatus: "completed",
      RecordingUrl: recording,
    };
    expect((await callback(app, `${base}/recording`, params)).status).toBe(204);
    expect((await callback(app, `${base}/recording`, params)).status).toBe(204);
    const read = await json(await app.fetch(`/v1/calls/${callId}`, { bearer: live }));
    expect(read).toMatchObject({
      status: "completed",
      duration_seconds: 17,
      recording_url: recording,
    });
    const events = await completedEvents(accountId);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({ recording_url: recording });
  });

  it("without a recording within RECORDING_WAIT_MS the call completes with recording_url null", async () => {
    const { app, live, accountId, callId, base } = await liveCall();
    await callback(app, `${base}/status`, { CallStatus: "completed", CallDuration: "9" });
    await settleAccount(accountId, (instance) => {
      instance.clock = new ManualClock(Date.now() + instance.settings.recordingWaitMs + 1);
    });
    const read = await json(await app.fetch(`/v1/calls/${callId}`, { bearer: live }));
    expect(read).toMatchObject({ status: "completed", duration_seconds: 9, recording_url: null });
    expect(await completedEvents(accountId)).toHaveLength(1);
    // A recording after the wait changes nothing.
    await callback(app, `${base}/recording`, {
      RecordingStatus: "completed",
      RecordingUrl: recording,
    });
    expect(
      (await json(await app.fetch(`/v1/calls/${callId}`, { bearer: live }))).recording_url,
    ).toBeNull();
  });

  it("a recording that comes first is kept for the status callback", async () => {
    const { app, live, callId, base } = await liveCall();
    await callback(app, `${base}/recording`, {
      RecordingStatus: "completed",
      RecordingUrl: recording,
    });
    expect((await json(await app.fetch(`/v1/calls/${callId}`, { bearer: live }))).status).toBe(
      "in-progress",
    );
    await callback(app, `${base}/status`, { CallStatus: "completed", CallDuration: "3" });
    const read = await json(await app.fetch(`/v1/calls/${callId}`, { bearer: live }));
    expect(read).toMatchObject({ status: "completed", recording_url: recording });
  });
});
