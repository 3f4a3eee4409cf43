import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { ManualClock } from "../../src/services";
import { call, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { accountStub, settleAccount } from "../support/ledger";

describe("retention", () => {
  it("the account object's alarm deletes events, messages and calls older than RETENTION_DAYS and keeps newer ones", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const old = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550123", body: "old" } }),
    );
    const oldCall = await json(
      await call("/v1/calls", { bearer: key, body: { to: "+15555550123" } }),
    );
    await settleAccount(admin.accountId);
    const ago = Date.now() - 31 * 86_400_000;
    await runInDurableObject<AccountObject, void>(accountStub(admin.accountId), (_o, state) => {
      state.storage.sql.exec("UPDATE messages SET created_at = ? WHERE id = ?", ago, old.id);
      state.storage.sql.exec("UPDATE calls SET created_at = ? WHERE id = ?", ago, oldCall.id);
      state.storage.sql.exec("UPDATE events SET created_at = ?", ago);
    });
    const fresh = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550123", body: "new" } }),
    );
    // The sweep runs hourly: two hours on, it is due again.
    await settleAccount(admin.accountId, (instance) => {
      instance.clock = new ManualClock(Date.now() + 2 * 3_600_000);
    });

    expect((await call(`/v1/messages/${old.id}`, { bearer: key })).status).toBe(404);
    expect((await call(`/v1/calls/${oldCall.id}`, { bearer: key })).status).toBe(404);
    expect((await call(`/v1/messages/${fresh.id}`, { bearer: key })).status).toBe(200);
    const events = await json(await call("/v1/events", { bearer: key }));
    expect(events.data.map((e: { data: { id: string } }) => e.data.id)).toEqual([fresh.id]);
  });
});
