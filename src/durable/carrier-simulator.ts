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
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO jobs (id, account_id, livemode, target_id, outcome, due_at) VALUES (?, ?, ?, ?, ?, ?)",
      job.id,
      scope.accountId,
      scope.livemode ? 1 : 0,
      job.targetId,
      JSON.stringify(job.outcome),
      job.dueAt,
    );
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

  async #applyDue(): Promise<number> {
    let applied = 0;
    try {
      const now = this.clock.now();
      const due = this.ctx.storage.sql
        .exec<Row>("SELECT * FROM jobs WHERE due_at <= ? ORDER BY due_at, id", now)
        .toArray();
      for (const row of due) {
        const scope = { accountId: String(row.account_id), livemode: Number(row.livemode) === 1 };
        const outcome = JSON.parse(String(row.outcome)) as SimulatedOutcome;
        try {
          const account = accountObject(this.env, scope.accountId);
          if (outcome.kind === "message") {
            await account.applyReceipt(
              scope.accountId,
              scope.livemode,
              String(row.target_id),
              outcome,
              now,
            );
          } else {
            await account.completeCall(
              scope.accountId,
              scope.livemode,
              String(row.target_id),
              outcome,
              now,
            );
          }
          this.ctx.storage.sql.exec("DELETE FROM jobs WHERE id = ?", row.id);
          applied++;
        } catch (error) {
          console.error(
            JSON.stringify({
              level: "error",
              msg: "simulated outcome failed",
              job: String(row.id),
              error: String(error),
            }),
          );
          this.ctx.storage.sql.exec(
            "UPDATE jobs SET due_at = ? WHERE id = ?",
            now + RETRY_MS,
            row.id,
          );
        }
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
