import type { EndpointHealthData } from "../events/operational";
import type { Transition } from "./machine";

/**
 * The endpoint object's own small outbox for transition notices. A transition writes its notice
 * here in the same storage write as the new state; sending it (the operational event through the
 * account ledger, the D1 mirror and dashboard notice, the e-mail) happens beside the delivery
 * window, never inside it, and each step is retried by the alarm until it is done. So a failing
 * D1 or mail provider never stops deliveries and never loses a notice.
 */
export interface Notice {
  id: string;
  /** The operational event's id: fixed at the transition, so a retried emit is idempotent. */
  eventId: string;
  transition: Transition | "endpoint.backlog_warning";
  detail: string;
  /** The operational event's data (SPEC §5), as it was at the transition. */
  data: OperationalData;
  at: number;
  /** Steps done, as bits (see STEP). */
  done: number;
  attempts: number;
  nextAt: number;
}

export type OperationalData = EndpointHealthData;

export const STEP = { ledger: 1, control: 2, mail: 4 } as const;
export const ALL_STEPS = STEP.ledger | STEP.control | STEP.mail;
/** The e-mail is given up after this many failed tries (the notice itself is already recorded). */
export const MAIL_TRIES = 6;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 15 * 60_000;

export const noticeRetryAt = (attempts: number, now: number) =>
  now + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));

type Row = Record<string, SqlStorageValue>;

export class NoticeStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS notices (
      id TEXT PRIMARY KEY,
      body TEXT NOT NULL,
      next_at INTEGER NOT NULL
    )`);
  }

  add(notice: Notice): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO notices (id, body, next_at) VALUES (?, ?, ?)",
      notice.id,
      JSON.stringify(notice),
      notice.nextAt,
    );
  }

  /** Oldest first: notices reach admins in the order the transitions happened. */
  due(now: number, limit = 20): Notice[] {
    return this.sql
      .exec<Row>("SELECT body FROM notices WHERE next_at <= ? ORDER BY id LIMIT ?", now, limit)
      .toArray()
      .map((row) => JSON.parse(String(row.body)) as Notice);
  }

  nextAt(): number | null {
    const row = this.sql.exec<Row>("SELECT min(next_at) AS at FROM notices").toArray()[0];
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  /** A notice with every step done is gone; otherwise it waits for its next try. */
  save(notice: Notice): void {
    if ((notice.done & ALL_STEPS) === ALL_STEPS) {
      this.sql.exec("DELETE FROM notices WHERE id = ?", notice.id);
      return;
    }
    this.add(notice);
  }

  clear(): void {
    this.sql.exec("DELETE FROM notices");
  }
}
