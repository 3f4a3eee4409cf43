import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AccountObject } from "../../src/durable/account-object";
import { accountObject } from "../../src/durable/stubs";
import type { EventEnvelope, EventType } from "../../src/events/catalog";
import { EVENT_CATALOG } from "../../src/events/catalog";
import type { LedgerResponse } from "../../src/ledger/protocol";

/** A fresh stub each time: stubs die with the object when a test aborts it. */
export const accountStub = (accountId: string) => accountObject(env, accountId);

/**
 * Runs what the account object's alarm would run (carrier hand-offs and fan-out of its outbox)
 * until nothing is left, so a test can then drain endpoint objects deterministically.
 */
export function settleAccount(accountId: string, seams?: (instance: AccountObject) => void) {
  return runInDurableObject<AccountObject, void>(accountStub(accountId), async (instance) => {
    seams?.(instance);
    await instance.settle();
  });
}

/** Counts rows of one of the account object's tables (what D1's counts were before the ledger). */
export function countLedgerRows(accountId: string, table: string, where = "1 = 1") {
  return runInDurableObject<AccountObject, number>(accountStub(accountId), (_instance, state) => {
    const row = state.storage.sql
      .exec<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
      .one();
    return row.n;
  });
}

/**
 * Publishes a sample event through the ledger (as the dashboard's test button does, in either
 * mode) and fans it out before returning.
 */
export async function publishEvent(
  accountId: string,
  type: EventType,
  livemode = true,
  extra: Record<string, unknown> = {},
): Promise<EventEnvelope> {
  const now = Date.now();
  const answer = (await accountStub(accountId).execute({
    accountId,
    credential: { kind: "session", livemode, bothModes: false },
    now,
    op: "publishTestEvent",
    input: { type, data: { ...(EVENT_CATALOG[type].sample({ now }) as object), ...extra } },
  })) as LedgerResponse;
  if (!answer.ok) throw new Error(`publish failed: ${answer.error.code}`);
  await settleAccount(accountId);
  return JSON.parse(answer.body) as EventEnvelope;
}
