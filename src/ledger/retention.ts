import { sql } from "drizzle-orm";
import { calls, events, idempotency, messages } from "../storage/account/schema";
import type { LedgerDb } from "./db";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per table per sweep run; a run that hits it sweeps again shortly. */
export const RETENTION_BATCH = 500;
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/**
 * One bounded retention pass over the account's records (SPEC §11): messages, calls and events
 * older than the retention period, idempotency records older than 24 h. Events still waiting in
 * the outbox (after `outboxFloor`) are never deleted. Contacts are kept until deleted: an opt-out
 * must not expire. Each delete goes through a bounded subquery, so no statement binds many ids.
 */
export function sweep(db: LedgerDb, now: number, retentionDays: number, outboxFloor: number) {
  const cutoff = now - retentionDays * 86_400_000;
  const count = (rows: unknown[]) => rows.length;
  const counts = {
    messages: count(
      db
        .delete(messages)
        .where(
          sql`rowid in (select rowid from ${messages} where ${messages.createdAt} < ${cutoff} limit ${RETENTION_BATCH})`,
        )
        .returning({ id: messages.id })
        .all(),
    ),
    calls: count(
      db
        .delete(calls)
        .where(
          sql`rowid in (select rowid from ${calls} where ${calls.createdAt} < ${cutoff} limit ${RETENTION_BATCH})`,
        )
        .returning({ id: calls.id })
        .all(),
    ),
    events: count(
      db
        .delete(events)
        .where(
          sql`seq in (select seq from ${events} where ${events.createdAt} < ${cutoff} and ${events.seq} <= ${outboxFloor} limit ${RETENTION_BATCH})`,
        )
        .returning({ id: events.id })
        .all(),
    ),
    idempotency_keys: count(
      db
        .delete(idempotency)
        .where(
          sql`rowid in (select rowid from ${idempotency} where ${idempotency.createdAt} < ${now - IDEMPOTENCY_TTL_MS} limit ${RETENTION_BATCH})`,
        )
        .returning({ key: idempotency.key })
        .all(),
    ),
  };
  return { counts, more: Object.values(counts).some((n) => n === RETENTION_BATCH) };
}
