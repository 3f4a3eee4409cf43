/**
 * The per-endpoint durable queue and attempt log, in the endpoint Durable Object's own SQLite.
 * Rows carry a due time; the object keeps one alarm at the earliest due row. `seq` preserves
 * publication order, including for replayed events, which keep their original place.
 */
export interface QueuedEvent {
  eventId: string;
  type: string;
  payload: string;
  createdAt: number;
}

export interface QueueRow extends QueuedEvent {
  seq: number;
  attempts: number;
  firstAttemptAt: number | null;
}

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

export class DeliveryQueue {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS queue (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      first_attempt_at INTEGER,
      next_attempt_at INTEGER NOT NULL,
      last_attempt_at INTEGER,
      last_status_code INTEGER,
      last_error TEXT,
      done_at INTEGER
    )`);
    sql.exec(`CREATE INDEX IF NOT EXISTS queue_due ON queue (state, next_attempt_at, seq)`);
    // Partial indexes keep the per-batch queries independent of backlog size: pending rows in
    // publication order (due), and "is anything retrying?" as one index probe (status).
    sql.exec(`CREATE INDEX IF NOT EXISTS queue_pending_seq ON queue (seq) WHERE state = 'pending'`);
    sql.exec(
      `CREATE INDEX IF NOT EXISTS queue_retrying ON queue (seq) WHERE state = 'pending' AND attempts > 0`,
    );
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
  }

  getMeta<T>(key: string): T | null {
    const row = this.sql.exec<Row>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(String(row.value)) as T) : null;
  }

  setMeta(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }

  /** Idempotent on event id. `requeue` puts finished events back in line (replay, redeliver). */
  add(events: QueuedEvent[], now: number, requeue: boolean): number {
    let changed = 0;
    for (const event of events) {
      const cursor = this.sql.exec(
        `INSERT INTO queue (event_id, type, payload, created_at, state, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', ?)
         ON CONFLICT (event_id) DO ${requeue ? `UPDATE SET state = 'pending', attempts = 0, first_attempt_at = NULL, next_attempt_at = excluded.next_attempt_at, done_at = NULL WHERE state != 'pending'` : "NOTHING"}`,
        event.eventId,
        event.type,
        event.payload,
        event.createdAt,
        now,
      );
      changed += cursor.rowsWritten > 0 ? 1 : 0;
    }
    return changed;
  }

  /** Oldest due rows first. `ignoreDue` is for the failed-endpoint probe, which sends the oldest. */
  due(now: number, limit: number, ignoreDue = false): QueueRow[] {
    const rows = this.sql
      .exec<Row>(
        `SELECT seq, event_id, type, payload, created_at, attempts, first_attempt_at FROM queue INDEXED BY queue_pending_seq
         WHERE state = 'pending' ${ignoreDue ? "" : "AND next_attempt_at <= ?"} ORDER BY seq LIMIT ?`,
        ...(ignoreDue ? [limit] : [now, limit]),
      )
      .toArray();
    return rows.map((row) => ({
      seq: Number(row.seq),
      eventId: String(row.event_id),
      type: String(row.type),
      payload: String(row.payload),
      createdAt: Number(row.created_at),
      attempts: Number(row.attempts),
      firstAttemptAt: num(row.first_attempt_at),
    }));
  }

  finish(
    eventId: string,
    state: "delivered" | "failed",
    at: number,
    attempts: number,
    statusCode: number | null,
    error: string | null,
    firstAttemptAt: number,
  ): void {
    this.sql.exec(
      `UPDATE queue SET state = ?, done_at = ?, attempts = ?, first_attempt_at = ?, last_attempt_at = ?, last_status_code = ?, last_error = ? WHERE event_id = ?`,
      state,
      at,
      attempts,
      firstAttemptAt,
      at,
      statusCode,
      error,
      eventId,
    );
  }

  retryAt(
    eventId: string,
    nextAttemptAt: number,
    at: number,
    attempts: number,
    statusCode: number | null,
    error: string | null,
    firstAttemptAt: number,
  ): void {
    this.sql.exec(
      `UPDATE queue SET next_attempt_at = ?, attempts = ?, first_attempt_at = ?, last_attempt_at = ?, last_status_code = ?, last_error = ? WHERE event_id = ?`,
      nextAttemptAt,
      attempts,
      firstAttemptAt,
      at,
      statusCode,
      error,
      eventId,
    );
  }

  /** After recovery or a settings change, everything waiting is due at once, in order. */
  makeAllDue(now: number): void {
    this.sql.exec(
      "UPDATE queue SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?",
      now,
      now,
    );
  }

  earliestDue(): number | null {
    const row = this.sql
      .exec<Row>("SELECT min(next_attempt_at) AS due FROM queue WHERE state = 'pending'")
      .toArray()[0];
    return num(row?.due);
  }

  pendingCount(): number {
    const row = this.sql
      .exec<Row>(
        "SELECT count(*) AS pending FROM queue INDEXED BY queue_pending_seq WHERE state = 'pending'",
      )
      .toArray()[0];
    return Number(row?.pending ?? 0);
  }

  hasRetrying(): boolean {
    return (
      this.sql
        .exec<Row>(
          "SELECT 1 FROM queue INDEXED BY queue_retrying WHERE state = 'pending' AND attempts > 0 LIMIT 1",
        )
        .toArray().length > 0
    );
  }

  recordAttempt(attempt: AttemptRecord): void {
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
  attempts(limit: number, before?: string, eventId?: string): AttemptRecord[] {
    const conditions = [before ? "id < ?" : "", eventId ? "event_id = ?" : ""].filter(Boolean);
    const args = [before, eventId].filter((value): value is string => value !== undefined);
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

  eventStates(eventIds: string[]) {
    if (eventIds.length === 0) return [];
    return this.sql
      .exec<Row>(
        `SELECT event_id, state, attempts, last_attempt_at, last_status_code, last_error FROM queue WHERE event_id IN (${eventIds.map(() => "?").join(",")})`,
        ...eventIds,
      )
      .toArray()
      .map((row) => ({
        eventId: String(row.event_id),
        state: String(row.state) as "pending" | "delivered" | "failed",
        attempts: Number(row.attempts),
        lastAttemptAt: num(row.last_attempt_at),
        lastStatusCode: num(row.last_status_code),
        lastError: str(row.last_error),
      }));
  }

  /** Retention: finished queue rows and attempts older than `before` go; pending rows never do. */
  prune(before: number): void {
    this.sql.exec("DELETE FROM queue WHERE state != 'pending' AND done_at < ?", before);
    this.sql.exec("DELETE FROM attempts WHERE at < ?", before);
  }
}
