/**
 * The attempt log (`GET /v1/webhooks/{id}/deliveries`): one row per attempt, each with its
 * status, duration, error and the first KiB of the answer. Kept for RETENTION_DAYS; `at` is
 * indexed so the retention sweep never scans. An endpoint receives both modes' events, so each
 * row keeps its event's `livemode`: an API key reads only its own mode's attempts.
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
  /** The event's mode; null on rows logged before the column existed (shown to sessions only). */
  livemode: boolean | null;
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
      outcome TEXT NOT NULL,
      livemode INTEGER
    )`);
    // Logs created before attempts knew their mode gain the column (old rows stay NULL).
    const columns = sql.exec<Row>("PRAGMA table_info(attempts)").toArray();
    if (!columns.some((column) => column.name === "livemode")) {
      sql.exec("ALTER TABLE attempts ADD COLUMN livemode INTEGER");
    }
    sql.exec(`CREATE INDEX IF NOT EXISTS attempts_event ON attempts (event_id)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS attempts_at ON attempts (at)`);
  }

  record(attempt: AttemptRecord): void {
    this.sql.exec(
      `INSERT INTO attempts (id, event_id, event_type, attempt, at, status_code, duration_ms, error, response_excerpt, outcome, livemode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      attempt.livemode === null ? null : attempt.livemode ? 1 : 0,
    );
  }

  /**
   * Newest first; ids are time-ordered so the id is the cursor. `livemode` undefined lists both
   * modes (the dashboard); the mode filter is in the query, so a page is never short.
   */
  list(limit: number, before?: string, eventId?: string, livemode?: boolean): AttemptRecord[] {
    const conditions: string[] = [];
    const args: SqlStorageValue[] = [];
    if (before) {
      conditions.push("id < ?");
      args.push(before);
    }
    if (eventId) {
      conditions.push("event_id = ?");
      args.push(eventId);
    }
    if (livemode !== undefined) {
      conditions.push("livemode = ?");
      args.push(livemode ? 1 : 0);
    }
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
        livemode:
          row.livemode === null || row.livemode === undefined ? null : Number(row.livemode) === 1,
      }));
  }
}
