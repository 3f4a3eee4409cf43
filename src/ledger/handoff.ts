import { asc, eq, lte } from "drizzle-orm";
import { type Carrier, CarrierRejected } from "../carrier/types";
import { calls, messages, type Task, tasks } from "../storage/account/schema";
import { completeCall, finishWaitingCall, markCallStarted } from "./calls";
import type { LedgerContext } from "./context";
import type { LedgerDb } from "./db";
import { applyReceipt, markSent } from "./messages";

/**
 * Carrier hand-off after commit. A send or call commits with a task row; this hands it to the
 * carrier and records the answer in a second transaction (→ `sent` + `message.sent`, or the
 * refusal's `failed`). An unreachable carrier is retried on this schedule, then the hand-off fails
 * as `carrier_unavailable`. A carrier without an idempotency key (Twilio) can see a message twice
 * if the object dies between the carrier's answer and that second commit: see docs/deploy.md.
 */
export const HANDOFF_RETRY_MS = [1_000, 5_000, 30_000, 120_000, 600_000] as const;
/** Hand-offs started per pump round; the rest wait for the next round. */
export const HANDOFFS_PER_ROUND = 50;

export const nextHandoffAt = (attempts: number, now: number): number | null => {
  const delay = HANDOFF_RETRY_MS[attempts - 1];
  return delay === undefined ? null : now + delay;
};

export const dueTasks = (db: LedgerDb, now: number, limit = HANDOFFS_PER_ROUND): Task[] =>
  db.select().from(tasks).where(lte(tasks.dueAt, now)).orderBy(asc(tasks.dueAt)).limit(limit).all();

export const nextTaskAt = (db: LedgerDb): number | null =>
  db.select({ dueAt: tasks.dueAt }).from(tasks).orderBy(asc(tasks.dueAt)).limit(1).get()?.dueAt ??
  null;

export type HandoffAnswer =
  | { kind: "accepted"; carrierSid: string }
  | { kind: "rejected"; code: string; message: string }
  | { kind: "unavailable"; message: string }
  /** A recorded call's wait for its recording ran out (no carrier involved). */
  | { kind: "finish" };

/** Asks the carrier; never throws (every failure is an answer to record). */
export async function handOff(
  db: LedgerDb,
  carrier: Carrier,
  accountId: string,
  task: Task,
): Promise<HandoffAnswer | null> {
  if (task.kind === "finish_call") return { kind: "finish" };
  try {
    if (task.kind === "send_message") {
      const message = db.select().from(messages).where(eq(messages.id, task.targetId)).get();
      if (message?.status !== "queued") return null;
      return { kind: "accepted", ...(await carrier.sendMessage({ ...message, accountId })) };
    }
    const call = db.select().from(calls).where(eq(calls.id, task.targetId)).get();
    if (call?.status !== "queued") return null;
    return { kind: "accepted", ...(await carrier.startCall({ ...call, accountId })) };
  } catch (error) {
    if (error instanceof CarrierRejected) {
      return { kind: "rejected", code: error.code, message: error.message };
    }
    return { kind: "unavailable", message: error instanceof Error ? error.message : String(error) };
  }
}

/** Records one answer; runs inside the transaction the caller opened. */
export function recordHandoff(ctx: LedgerContext, task: Task, answer: HandoffAnswer | null): void {
  if (answer === null) {
    ctx.db.delete(tasks).where(eq(tasks.id, task.id)).run();
    return;
  }
  if (answer.kind === "finish") {
    finishWaitingCall(ctx, task.targetId);
    ctx.db.delete(tasks).where(eq(tasks.id, task.id)).run();
    return;
  }
  if (answer.kind === "unavailable") {
    const attempts = task.attempts + 1;
    const retryAt = nextHandoffAt(attempts, ctx.now);
    if (retryAt !== null) {
      ctx.db
        .update(tasks)
        .set({ attempts, dueAt: retryAt, lastError: answer.message.slice(0, 500) })
        .where(eq(tasks.id, task.id))
        .run();
      return;
    }
  }
  const refusal =
    answer.kind === "accepted"
      ? null
      : answer.kind === "rejected"
        ? { code: answer.code, message: answer.message }
        : { code: "carrier_unavailable", message: answer.message };
  if (task.kind === "send_message") {
    if (refusal === null) {
      markSent(ctx, task.targetId, answer.kind === "accepted" ? answer.carrierSid : null);
    } else {
      // TextLink: a refused send still reports `message.sent`, then `message.failed`.
      applyReceipt(ctx, task.targetId, {
        status: "failed",
        errorCode: refusal.code,
        errorMessage: refusal.message,
      });
    }
  } else if (refusal === null && answer.kind === "accepted") {
    markCallStarted(ctx, task.targetId, answer.carrierSid);
  } else {
    completeCall(ctx, task.targetId, { status: "failed", durationSeconds: 0, recordingUrl: null });
  }
  ctx.db.delete(tasks).where(eq(tasks.id, task.id)).run();
}
