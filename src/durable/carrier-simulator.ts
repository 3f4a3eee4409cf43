import { DurableObject } from "cloudflare:workers";
import type { FinalCallStatus } from "../messaging/transitions";
import { type Clock, systemClock } from "../services";
import { accountObject } from "./stubs";

export interface Scope {
  accountId: string;
  livemode: boolean;
}

export type SimulatedOutcome =
  | {
      kind: "message";
      status: "delivered" | "failed" | "unknown";
      errorCode: string | null;
      errorMessage: string | null;
    }
  | { kind: "call"; status: FinalCallStatus; durationSeconds: number; recordingUrl: string | null };

export interface SimulatedJob {
  id: string;
  targetId: string;
  outcome: SimulatedOutcome;
  dueAt: number;
}

type Row = Record<string, SqlStorageValue>;
/** A job whose outcome could not be applied (the account object unavailable) is retried this soon. */
const RETRY_MS = 5_000;
/** Outcomes sent to the account object per call. */
const OUTCOMES_PER_CALL = 200;

/**
 * The simulated carrier network for one account in one mode: receipts and call completions are
 * rows with a due time, applied by the alarm (never by timers, which die with the request).
 */
export class CarrierSimulator extends DurableObject<Env> {
  /** Seam for tests (not reachable over RPC). */
  clock: Clock = systemClock;
  #run: Promise<number> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      livemode INTEGER NOT NULL,
      target_id TEXT NOT NULL,
      outcome TEXT NOT NULL,
      due_at INTEGER NOT NULL
    )`);
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS jobs_due ON jobs (due_at)");
  }

  async schedule(scope: Scope, job: SimulatedJob): Promise<void> {
    await this.scheduleMany(scope, [job]);
  }

  /** Idempotent by job id (derived from the message or call id), so a retried hand-off is one job. */
  async scheduleMany(scope: Scope, jobs: SimulatedJob[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const job of jobs) {
        this.ctx.storage.sql.exec(
          "INSERT OR IGNORE INTO jobs (id, account_id, livemode, target_id, outcome, due_at) VALUES (?, ?, ?, ?, ?, ?)",
          job.id,
          scope.accountId,
          scope.livemode ? 1 : 0,
          job.targetId,
          JSON.stringify(job.outcome),
          job.dueAt,
        );
      }
    });
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    await this.runDue();
  }

  /**
   * Applies every job that is due; each is deleted only after its outcome is recorded. A call
   * during a run waits for that run instead of starting a second one.
   */
  runDue(): Promise<number> {
    this.#run ??= this.#applyDue().finally(() => {
      this.#run = null;
    });
    return this.#run;
  }

  /**
   * This object serves one account and mode, so every due job goes to that account's object in
   * one call (at most `OUTCOMES_PER_CALL` at a time), applied there in one transaction.
   */
  async #applyDue(): Promise<number> {
    let applied = 0;
    try {
      const now = this.clock.now();
      for (;;) {
        const due = this.ctx.storage.sql
          .exec<Row>(
            "SELECT * FROM jobs WHERE due_at <= ? ORDER BY due_at, id LIMIT ?",
            now,
            OUTCOMES_PER_CALL,
          )
          .toArray();
        const first = due[0];
        if (!first) break;
        const accountId = String(first.account_id);
        const livemode = Number(first.livemode) === 1;
        const outcomes = due.map((row) => ({
          targetId: String(row.target_id),
          outcome: JSON.parse(String(row.outcome)) as SimulatedOutcome,
        }));
        try {
          await accountObject(this.env, accountId).applyOutcomes(
            accountId,
            livemode,
            outcomes,
            now,
          );
        } catch (error) {
          console.error(
            JSON.stringify({
              level: "error",
              msg: "simulated outcomes failed",
              error: String(error),
            }),
          );
          this.ctx.storage.transactionSync(() => {
            for (const row of due) {
              this.ctx.storage.sql.exec(
                "UPDATE jobs SET due_at = ? WHERE id = ?",
                now + RETRY_MS,
                row.id,
              );
            }
          });
          break;
        }
        this.ctx.storage.transactionSync(() => {
          for (const row of due) this.ctx.storage.sql.exec("DELETE FROM jobs WHERE id = ?", row.id);
        });
        applied += due.length;
        if (due.length < OUTCOMES_PER_CALL) break;
      }
    } finally {
      await this.#arm();
    }
    return applied;
  }

  async #arm(): Promise<void> {
    const row = this.ctx.storage.sql.exec<Row>("SELECT min(due_at) AS due FROM jobs").toArray()[0];
    if (row?.due === null || row?.due === undefined) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Date.now() + Math.max(0, Number(row.due) - this.clock.now()));
  }
}
