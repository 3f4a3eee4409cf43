import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { auditEvents, notifications, sessions } from "./schema";

/** Rows deleted per table per statement; the sweep repeats a table until it is below this. */
const BATCH = 1_000;
/** Rounds per table and run, so one cron invocation stays bounded (the next day continues). */
const MAX_ROUNDS = 50;

/**
 * The daily sweep of the control plane (D1): sessions past their expiry, notifications older
 * than `RETENTION_DAYS` and audit events older than `AUDIT_RETENTION_DAYS`. Each delete goes
 * through a bounded subquery. The high-volume records live in the account objects, which enforce
 * their own retention by alarm.
 */
export async function sweepControlPlane(
  db: Database,
  now: number,
  retention: { retentionDays: number; auditRetentionDays: number },
) {
  const day = 86_400_000;
  const sweepTable = async (statement: () => Promise<unknown[]>) => {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const deleted = (await statement()).length;
      total += deleted;
      if (deleted < BATCH) break;
    }
    return total;
  };
  return {
    sessions: await sweepTable(() =>
      db
        .delete(sessions)
        .where(
          sql`rowid in (select rowid from ${sessions} where ${sessions.expiresAt} < ${now} limit ${BATCH})`,
        )
        .returning({ id: sessions.id }),
    ),
    notifications: await sweepTable(() =>
      db
        .delete(notifications)
        .where(
          sql`rowid in (select rowid from ${notifications} where ${notifications.createdAt} < ${now - retention.retentionDays * day} limit ${BATCH})`,
        )
        .returning({ id: notifications.id }),
    ),
    audit_events: await sweepTable(() =>
      db
        .delete(auditEvents)
        .where(
          sql`rowid in (select rowid from ${auditEvents} where ${auditEvents.createdAt} < ${now - retention.auditRetentionDays * day} limit ${BATCH})`,
        )
        .returning({ id: auditEvents.id }),
    ),
  };
}
