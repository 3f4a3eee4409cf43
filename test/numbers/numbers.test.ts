import { describe, expect, it } from "vitest";
import { addMember, call, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { countLedgerRows } from "../support/ledger";
import { runCarrier } from "../support/messaging";
import { uniqueNumber } from "../support/numbers";

async function addNumber(cookie: string, number: string, livemode = false) {
  return call("/v1/phone-numbers", { cookie, body: { number, livemode } });
}

async function testAccount() {
  const admin = await signup();
  const { key } = await createApiKey(admin, { environment: "test" });
  return { admin, key };
}

describe("phone numbers", () => {
  it("an admin adds, lists and deletes the account's numbers; members only read", async () => {
    const { admin, key } = await testAccount();
    const number = uniqueNumber();
    const created = await addNumber(admin.cookie, number);
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body).toMatchObject({ number, livemode: false, account_id: admin.accountId });
    expect(body.id).toMatch(/^pn_/);

    const member = await addMember(admin, "member");
    await expectError(await addNumber(member.cookie, uniqueNumber()), 403, "forbidden");
    await expectError(
      await call("/v1/phone-numbers", { bearer: key, body: { number: uniqueNumber() } }),
      403,
      "forbidden",
    );
    const listed = await json(await call("/v1/phone-numbers", { cookie: member.cookie }));
    expect(listed.data.map((row: { number: string }) => row.number)).toEqual([number]);
    // A test key sees test numbers; a live key of the same account sees none.
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    expect((await json(await call("/v1/phone-numbers", { bearer: key }))).data).toHaveLength(1);
    expect((await json(await call("/v1/phone-numbers", { bearer: liveKey }))).data).toHaveLength(0);

    const deleted = await call(`/v1/phone-numbers/${body.id}`, {
      method: "DELETE",
      cookie: admin.cookie,
    });
    expect(await json(deleted)).toEqual({ id: body.id, deleted: true });
    expect((await json(await call("/v1/phone-numbers", { cookie: admin.cookie }))).data).toEqual(
      [],
    );
    await expectError(
      await call(`/v1/phone-numbers/${body.id}`, { method: "DELETE", cookie: admin.cookie }),
      404,
      "not_found",
    );
  });

  it("bad numbers are 422 and change nothing", async () => {
    const { admin } = await testAccount();
    for (const number of ["5555550123", "+0123", "", 42]) {
      await expectError(
        await call("/v1/phone-numbers", { cookie: admin.cookie, body: { number } }),
        422,
        "validation_failed",
      );
    }
    expect((await json(await call("/v1/phone-numbers", { cookie: admin.cookie }))).data).toEqual(
      [],
    );
  });

  it("a number belongs to one account per mode: a second claim is 409, another mode is fine", async () => {
    const a = await testAccount();
    const b = await testAccount();
    const number = uniqueNumber();
    expect((await addNumber(a.admin.cookie, number)).status).toBe(201);
    await expectError(await addNumber(b.admin.cookie, number), 409, "number_taken");
    await expectError(await addNumber(a.admin.cookie, number), 409, "number_taken");
    // Live mode without Twilio configured: any E.164 number (the simulated carrier serves it).
    expect((await addNumber(b.admin.cookie, number, true)).status).toBe(201);
  });
});

describe("from must be owned", () => {
  it("a send or call from a number the account does not own is 422 from_not_owned and writes nothing", async () => {
    const a = await testAccount();
    const b = await testAccount();
    const mine = uniqueNumber();
    const theirs = uniqueNumber();
    await addNumber(a.admin.cookie, mine);
    await addNumber(b.admin.cookie, theirs);
    const before = await countLedgerRows(a.admin.accountId, "messages");
    const refused = await expectError(
      await call("/v1/messages", {
        bearer: a.key,
        body: { to: "+15555550100", body: "hi", from: theirs },
      }),
      422,
      "from_not_owned",
    );
    expect(refused.details).toEqual({ from: theirs });
    await expectError(
      await call("/v1/calls", { bearer: a.key, body: { to: "+15555550100", from: theirs } }),
      422,
      "from_not_owned",
    );
    // Owning a number ends the shared test sender too.
    await expectError(
      await call("/v1/messages", {
        bearer: a.key,
        body: { to: "+15555550100", body: "hi", from: "+15005550006" },
      }),
      422,
      "from_not_owned",
    );
    expect(await countLedgerRows(a.admin.accountId, "messages")).toBe(before);
    expect(await countLedgerRows(a.admin.accountId, "calls")).toBe(0);

    const sent = await call("/v1/messages", {
      bearer: a.key,
      body: { to: "+15555550100", body: "hi", from: mine },
    });
    expect(sent.status).toBe(202);
    expect((await json(sent)).from).toBe(mine);
  });

  it("no `from` is the account's first number; a test account without numbers uses DEFAULT_FROM_NUMBER", async () => {
    const { admin, key } = await testAccount();
    const bare = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550101", body: "a" } }),
    );
    expect(bare.from).toBe("+15005550006");
    const first = uniqueNumber();
    const second = uniqueNumber();
    await addNumber(admin.cookie, first);
    await addNumber(admin.cookie, second);
    const sent = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550101", body: "b" } }),
    );
    expect(sent.from).toBe(first);
    const placed = await json(
      await call("/v1/calls", { bearer: key, body: { to: "+15555550101" } }),
    );
    expect(placed.from).toBe(first);
  });

  it("live mode never borrows a number: without one a live send is from_not_owned", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "production" });
    await expectError(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550102", body: "x" } }),
      422,
      "from_not_owned",
    );
    const number = uniqueNumber();
    await addNumber(admin.cookie, number, true);
    const sent = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550102", body: "x" } }),
    );
    expect(sent).toMatchObject({ from: number, status: "queued" });
  });

  it("a deleted number can no longer be sent from, and the test network stops delivering to it", async () => {
    const { admin, key } = await testAccount();
    const number = uniqueNumber();
    const other = uniqueNumber();
    const { id } = await json(await addNumber(admin.cookie, number));
    await addNumber(admin.cookie, other);
    await call(`/v1/phone-numbers/${id}`, { method: "DELETE", cookie: admin.cookie });
    await expectError(
      await call("/v1/messages", {
        bearer: key,
        body: { to: "+15555550103", body: "x", from: number },
      }),
      422,
      "from_not_owned",
    );
    await expectError(
      await call("/v1/test-helpers/inbound-messages", {
        bearer: key,
        body: { from: "+15555550103", to: number, body: "hello?" },
      }),
      422,
      "from_not_owned",
    );
  });

  it("another account cannot receive for a number: the test network refuses a `to` it does not own", async () => {
    const a = await testAccount();
    const b = await testAccount();
    const number = uniqueNumber();
    await addNumber(a.admin.cookie, number);
    await expectError(
      await call("/v1/test-helpers/inbound-messages", {
        bearer: b.key,
        body: { from: "+15555550104", to: number, body: "hi" },
      }),
      422,
      "from_not_owned",
    );
    expect(await countLedgerRows(b.admin.accountId, "messages")).toBe(0);
    const received = await call("/v1/test-helpers/inbound-messages", {
      bearer: a.key,
      body: { from: "+15555550104", to: number, body: "hi" },
    });
    expect(received.status).toBe(201);
    expect((await json(received)).to).toBe(number);
  });
});

describe("magic numbers", () => {
  it.each([
    ["+15005550003", "21408"],
    ["+15005550004", "21610"],
    ["+15005550009", "21614"],
  ])("a message to %s fails with error_code %s", async (to, code) => {
    const { admin, key } = await testAccount();
    const sent = await json(await call("/v1/messages", { bearer: key, body: { to, body: "x" } }));
    await runCarrier(admin.accountId, false);
    const read = await json(await call(`/v1/messages/${sent.id}`, { bearer: key }));
    expect(read).toMatchObject({ status: "failed", error_code: code });
    expect(read.error_message).toBeTypeOf("string");
    const events = await json(await call("/v1/events?type=message.failed", { bearer: key }));
    expect(events.data).toHaveLength(1);
    expect(events.data[0].data).toMatchObject({ id: sent.id, error_code: code });
  });
});
