import type { HealthAttempt } from "./health";

type Row = Record<string, SqlStorageValue>;

/**
 * Reads what delivery health needs from an endpoint object's attempt log (the `attempts` table
 * that ./queue.ts creates), for attempts made after `since`. Its own file, so the health read
 * stays apart from the queue's write path.
 */
export function attemptsSince(sql: SqlStorage, since: number, livemode?: boolean): HealthAttempt[] {
  // An object whose storage was just deleted (endpoint removed mid-request) has no log at all.
  const hasLog = sql
    .exec<Row>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attempts'")
    .toArray().length;
  if (!hasLog) return [];
  // One recent window is read; the index on `at` keeps that independent of the log's length.
  sql.exec("CREATE INDEX IF NOT EXISTS attempts_at ON attempts (at)");
  // `livemode` undefined: both modes (sessions); a key reads its own mode's attempts only.
  const mode = livemode === undefined ? "" : " AND livemode = ?";
  const args: SqlStorageValue[] = livemode === undefined ? [since] : [since, livemode ? 1 : 0];
  return sql
    .exec<Row>(
      `SELECT at, status_code, duration_ms, event_type, outcome FROM attempts WHERE at > ?${mode}`,
      ...args,
    )
    .toArray()
    .map((row) => ({
      at: Number(row.at),
      statusCode: row.status_code === null ? null : Number(row.status_code),
      durationMs: Number(row.duration_ms),
      eventType: String(row.event_type),
      outcome: String(row.outcome),
    }));
}
