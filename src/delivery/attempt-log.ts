/**
 * The attempt log (`GET /v1/webhooks/{id}/deliveries`): one row per attempt, each with its
 * status, duration, error and the first KiB of the answer. Kept for RETENTION_DAYS; `at` is
 * indexed so the retention sweep never scans.
 */
export interface AttemptRecord {
  id: string;
  eventId: string;
  eventType: string;
  attempt: number;
  at: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  outcome: string;
}

type Row = Record<string, SqlStorageValue>;

const num = (value: SqlStorageValue | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
const str = (value: SqlStorageValue | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

export class AttemptLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS attempts (
      id TEXT PRIMARY KEY,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      at INTEGER NOT NULL,
      status_code INTEGER,
      duration_ms INTEGER NOT NULL,
      error TEXT,
      response_excerpt TEXT,
      outcome TEXT NOT NULL
    )`);
    sql.exec(`CREATE INDEX IF NOT EXISTS attempts_event ON attempts (event_id)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS attempts_at ON attempts (at)`);
  }

  record(attempt: AttemptRecord): void {
    this.sql.exec(
      `INSERT INTO attempts (id, event_id, event_type, attempt, at, status_code, duration_ms, error, response_excerpt, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      attempt.id,
      attempt.eventId,
      attempt.eventType,
      attempt.attempt,
      attempt.at,
      attempt.statusCode,
      attempt.durationMs,
      attempt.error,
      attempt.responseExcerpt,
      attempt.outcome,
    );
  }

  /** Newest first; ids are time-ordered so the id is the cursor. */
  list(limit: number, before?: string, eventId?: string): AttemptRecord[] {
    // Each condition with its own argument: an empty `event_id=` or cursor is no filter at all
    // (it used to drop the condition but keep the argument, and SQLite refused the bindings).
    const filters = [
      { sql: "id < ?", arg: before },
      { sql: "event_id = ?", arg: eventId },
    ].filter((filter): filter is { sql: string; arg: string } => Boolean(filter.arg));
    const conditions = filters.map((filter) => filter.sql);
    const args = filters.map((filter) => filter.arg);
    return this.sql
      .exec<Row>(
        `SELECT * FROM attempts ${conditions.length ? `WHERE ${conditions.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
        ...args,
        limit,
      )
      .toArray()
      .map((row) => ({
        id: String(row.id),
        eventId: String(row.event_id),
        eventType: String(row.event_type),
        attempt: Number(row.attempt),
        at: Number(row.at),
        statusCode: num(row.status_code),
        durationMs: Number(row.duration_ms),
        error: str(row.error),
        responseExcerpt: str(row.response_excerpt),
        outcome: String(row.outcome),
      }));
  }
}
