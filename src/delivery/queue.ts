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
  nextAttemptAt: number;
}

const COLUMNS =
  "seq, event_id, type, payload, created_at, attempts, first_attempt_at, next_attempt_at";

import { AttemptLog } from "./attempt-log";

export type { AttemptRecord } from "./attempt-log";

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
    // Every per-send query is one index probe or a short range scan, whatever the backlog:
    // - the oldest pending row (window 1, probe): queue_pending_seq;
    // - fresh rows in publication order: queue_fresh (never tried, so due since enqueue);
    // - rows backing off, by due time: queue_backoff (a backed-off head costs nothing to skip);
    // - finished rows by age for retention: queue_done.
    // The first engine's indexes, replaced by the four below.
    sql.exec(`DROP INDEX IF EXISTS queue_due`);
    sql.exec(`DROP INDEX IF EXISTS queue_retrying`);
    sql.exec(`CREATE INDEX IF NOT EXISTS queue_pending_seq ON queue (seq) WHERE state = 'pending'`);
    sql.exec(
      `CREATE INDEX IF NOT EXISTS queue_fresh ON queue (seq) WHERE state = 'pending' AND attempts = 0`,
    );
    sql.exec(
      `CREATE INDEX IF NOT EXISTS queue_backoff ON queue (next_attempt_at, seq) WHERE state = 'pending' AND attempts > 0`,
    );
    sql.exec(`CREATE INDEX IF NOT EXISTS queue_done ON queue (done_at) WHERE state != 'pending'`);
    new AttemptLog(sql);
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

  deleteMeta(key: string): void {
    this.sql.exec("DELETE FROM meta WHERE key = ?", key);
  }

  /**
   * Idempotent on event id. `requeue` puts finished events back in line (replay, redeliver).
   * Returns how many rows became pending. Counted with `RETURNING`: `rowsWritten` is not 0 for an
   * insert that hit the conflict and did nothing, so a repeated fan-out batch (the account object
   * restarted before moving its cursor) used to count its events as pending a second time.
   */
  add(events: QueuedEvent[], now: number, requeue: boolean): number {
    let changed = 0;
    for (const event of events) {
      const cursor = this.sql.exec(
        `INSERT INTO queue (event_id, type, payload, created_at, state, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', ?)
         ON CONFLICT (event_id) DO ${requeue ? `UPDATE SET state = 'pending', payload = excluded.payload, attempts = 0, first_attempt_at = NULL, next_attempt_at = excluded.next_attempt_at, done_at = NULL WHERE state != 'pending'` : "NOTHING"}
         RETURNING seq`,
        event.eventId,
        event.type,
        event.payload,
        event.createdAt,
        now,
      );
      changed += cursor.toArray().length;
    }
    return changed;
  }

  /**
   * Oldest due rows first, skipping those already in flight. `strict` (window 1) only ever looks
   * at the oldest pending row: if it is backing off, nothing is due, so order holds. Otherwise the
   * candidates are the oldest fresh rows and the rows whose backoff has ended (earliest first),
   * merged by publication order: at most `limit + skip.size` rows read from each index.
   */
  due(
    now: number,
    limit: number,
    strict: boolean,
    skip: ReadonlySet<string>,
    /** Fresh rows up to this seq were already dispatched in this run (so are in flight or done). */
    freshAfter = 0,
  ): QueueRow[] {
    if (limit <= 0) return [];
    if (strict) {
      const head = this.head();
      return head && head.nextAttemptAt <= now && !skip.has(head.eventId) ? [head] : [];
    }
    const take = limit + skip.size;
    // With the cursor, a steady window reads about one fresh row per answer, not the window.
    const fresh = this.#rows(
      `SELECT ${COLUMNS} FROM queue INDEXED BY queue_fresh WHERE state = 'pending' AND attempts = 0 AND seq > ? ORDER BY seq LIMIT ?`,
      freshAfter,
      freshAfter > 0 ? limit : take,
    );
    const retry = this.#rows(
      `SELECT ${COLUMNS} FROM queue INDEXED BY queue_backoff WHERE state = 'pending' AND attempts > 0 AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
      now,
      take,
    );
    return [...fresh, ...retry]
      .filter((row) => !skip.has(row.eventId))
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  }

  /** The oldest pending row, due or not (window 1, and a failed endpoint's probe). */
  head(): QueueRow | null {
    return (
      this.#rows(
        `SELECT ${COLUMNS} FROM queue INDEXED BY queue_pending_seq WHERE state = 'pending' ORDER BY seq LIMIT 1`,
      )[0] ?? null
    );
  }

  /** Rows SQLite read for the due queries, so tests can show their cost is flat. */
  rowsRead = 0;

  #rows(query: string, ...args: SqlStorageValue[]): QueueRow[] {
    const cursor = this.sql.exec<Row>(query, ...args);
    const rows = cursor.toArray();
    this.rowsRead += cursor.rowsRead;
    return rows.map((row) => ({
      seq: Number(row.seq),
      eventId: String(row.event_id),
      type: String(row.type),
      payload: String(row.payload),
      createdAt: Number(row.created_at),
      attempts: Number(row.attempts),
      firstAttemptAt: num(row.first_attempt_at),
      nextAttemptAt: Number(row.next_attempt_at),
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
      // A delivered row keeps only what the attempt log and redelivery need: replay and redeliver
      // read the payload from the account ledger's event store.
      `UPDATE queue SET state = ?, payload = CASE WHEN ? = 'delivered' THEN '' ELSE payload END, done_at = ?, attempts = ?, first_attempt_at = ?, last_attempt_at = ?, last_status_code = ?, last_error = ? WHERE event_id = ?`,
      state,
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
      "UPDATE queue SET next_attempt_at = ? WHERE state = 'pending' AND attempts > 0 AND next_attempt_at > ?",
      now,
      now,
    );
  }

  earliestDue(): number | null {
    const row = this.sql
      .exec<Row>(
        "SELECT min(due) AS due FROM (SELECT * FROM (SELECT next_attempt_at AS due FROM queue INDEXED BY queue_fresh WHERE state = 'pending' AND attempts = 0 ORDER BY seq LIMIT 1) UNION ALL SELECT * FROM (SELECT next_attempt_at FROM queue INDEXED BY queue_backoff WHERE state = 'pending' AND attempts > 0 ORDER BY next_attempt_at LIMIT 1))",
      )
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

  /** Is any row waiting out a transient backoff? (one index probe) */
  hasRetrying(now: number): boolean {
    return (
      this.sql
        .exec<Row>(
          "SELECT 1 FROM queue INDEXED BY queue_backoff WHERE state = 'pending' AND attempts > 0 AND next_attempt_at > ? LIMIT 1",
          now,
        )
        .toArray().length > 0
    );
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

  /**
   * Retention: finished queue rows and attempts older than `before` go; pending rows never do.
   * Both deletes walk an index and stop after `batch` rows; returns whether more may remain
   * (rows counted with `RETURNING`: `rowsWritten` also counts index entries).
   */
  prune(before: number, batch = 1_000): boolean {
    const queue = this.sql
      .exec(
        "DELETE FROM queue WHERE seq IN (SELECT seq FROM queue INDEXED BY queue_done WHERE state != 'pending' AND done_at < ? LIMIT ?) RETURNING seq",
        before,
        batch,
      )
      .toArray().length;
    const attempts = this.sql
      .exec(
        "DELETE FROM attempts WHERE id IN (SELECT id FROM attempts INDEXED BY attempts_at WHERE at < ? LIMIT ?) RETURNING id",
        before,
        batch,
      )
      .toArray().length;
    return queue >= batch || attempts >= batch;
  }

  /** The endpoint was deleted: its rows go, the meta table (and its tombstone) stays. */
  clear(): void {
    this.sql.exec("DELETE FROM queue");
    this.sql.exec("DELETE FROM attempts");
  }
}
