import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { notFound } from "../errors";
import { callCompletedData } from "../messaging/resources";
import { callIsOpen, type FinalCallStatus } from "../messaging/transitions";
import { type Call, calls, tasks } from "../storage/account/schema";
import { findContactByPhone } from "./contacts";
import type { LedgerContext } from "./context";
import type { LedgerDb } from "./db";
import type { CarrierName } from "./messages";
import { senderFor } from "./numbers";

/** A call commits as `queued` with its hand-off task; the carrier makes it `in-progress`. */
export function queueCall(
  ctx: LedgerContext,
  carrier: CarrierName,
  input: { to: string; from?: string | undefined },
): Call {
  const contact = findContactByPhone(ctx.db, ctx.livemode, input.to);
  const call: Call = {
    id: ctx.ids.next("call"),
    livemode: ctx.livemode,
    from: senderFor(ctx, input.from),
    to: input.to,
    status: "queued",
    durationSeconds: null,
    recordingUrl: null,
    contactId: contact?.id ?? null,
    carrier,
    carrierSid: null,
    pendingStatus: null,
    pendingDurationSeconds: null,
    createdAt: ctx.now,
    completedAt: null,
  };
  ctx.db.insert(calls).values(call).run();
  ctx.db
    .insert(tasks)
    .values({
      id: `call:${call.id}`,
      kind: "start_call",
      targetId: call.id,
      livemode: ctx.livemode,
      attempts: 0,
      dueAt: ctx.now,
      lastError: null,
    })
    .run();
  return call;
}

const findCall = (db: LedgerDb, livemode: boolean, id: string) =>
  db
    .select()
    .from(calls)
    .where(and(eq(calls.id, id), eq(calls.livemode, livemode)))
    .get();

export function markCallStarted(ctx: LedgerContext, callId: string, carrierSid: string) {
  ctx.db
    .delete(tasks)
    .where(eq(tasks.id, `call:${callId}`))
    .run();
  ctx.db
    .update(calls)
    .set({ status: "in-progress", carrierSid })
    .where(and(eq(calls.id, callId), eq(calls.status, "queued")))
    .run();
}

/** A call's final status from any carrier; only the first one counts and emits the event. */
export function completeCall(
  ctx: LedgerContext,
  callId: string,
  outcome: { status: FinalCallStatus; durationSeconds: number; recordingUrl: string | null },
): Call | null {
  const current = findCall(ctx.db, ctx.livemode, callId);
  if (!current || !callIsOpen(current.status)) return null;
  ctx.db
    .delete(tasks)
    .where(inArray(tasks.id, [`call:${callId}`, `finish:${callId}`]))
    .run();
  const call: Call = {
    ...current,
    status: outcome.status,
    durationSeconds: outcome.durationSeconds,
    recordingUrl: outcome.recordingUrl,
    pendingStatus: null,
    pendingDurationSeconds: null,
    completedAt: ctx.now,
  };
  ctx.db
    .update(calls)
    .set({
      status: call.status,
      durationSeconds: call.durationSeconds,
      recordingUrl: call.recordingUrl,
      pendingStatus: null,
      pendingDurationSeconds: null,
      completedAt: call.completedAt,
    })
    .where(eq(calls.id, callId))
    .run();
  ctx.emit("phone_call.completed", callCompletedData(call));
  return call;
}

/**
 * Twilio's final call status. Twilio records every live call and reports the recording in a
 * separate RecordingStatusCallback, usually after the status callback: a completed call whose
 * recording has not arrived waits for it (a `finish_call` task at `waitMs`), and completes with
 * `recording_url: null` if it never comes. A recording that came first completes it at once.
 */
export function reportCallStatus(
  ctx: LedgerContext,
  callId: string,
  outcome: { status: FinalCallStatus; durationSeconds: number; recordingUrl: string | null },
  waitMs: number,
): Call | null {
  const current = findCall(ctx.db, ctx.livemode, callId);
  if (!current || !callIsOpen(current.status) || current.pendingStatus !== null) return null;
  const recordingUrl = outcome.recordingUrl ?? current.recordingUrl;
  if (outcome.status !== "completed" || recordingUrl !== null || waitMs === 0) {
    return completeCall(ctx, callId, { ...outcome, recordingUrl });
  }
  ctx.db
    .update(calls)
    .set({ pendingStatus: outcome.status, pendingDurationSeconds: outcome.durationSeconds })
    .where(eq(calls.id, callId))
    .run();
  ctx.db
    .insert(tasks)
    .values({
      id: `finish:${callId}`,
      kind: "finish_call",
      targetId: callId,
      livemode: ctx.livemode,
      attempts: 0,
      dueAt: ctx.now + waitMs,
      lastError: null,
    })
    .onConflictDoNothing()
    .run();
  return null;
}

/** Twilio's RecordingStatusCallback: completes a waiting call, or is kept for its status. */
export function attachRecording(ctx: LedgerContext, callId: string, url: string): Call | null {
  const current = findCall(ctx.db, ctx.livemode, callId);
  if (!current || !callIsOpen(current.status)) return null;
  if (current.pendingStatus !== null) {
    return completeCall(ctx, callId, {
      status: current.pendingStatus,
      durationSeconds: current.pendingDurationSeconds ?? 0,
      recordingUrl: url,
    });
  }
  ctx.db.update(calls).set({ recordingUrl: url }).where(eq(calls.id, callId)).run();
  return null;
}

/** The wait for a recording is over: the call completes without one. */
export function finishWaitingCall(ctx: LedgerContext, callId: string): Call | null {
  const current = findCall(ctx.db, ctx.livemode, callId);
  if (!current?.pendingStatus) return null;
  return completeCall(ctx, callId, {
    status: current.pendingStatus,
    durationSeconds: current.pendingDurationSeconds ?? 0,
    recordingUrl: null,
  });
}

export function getCall(db: LedgerDb, livemode: boolean, id: string): Call {
  const call = findCall(db, livemode, id);
  if (!call) throw notFound("call");
  return call;
}

export const listCalls = (
  db: LedgerDb,
  livemode: boolean,
  filter: { status?: Call["status"] | undefined },
  limit: number,
  cursor?: string,
): Call[] =>
  db
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.livemode, livemode),
        filter.status ? eq(calls.status, filter.status) : undefined,
        cursor ? lt(calls.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(calls.id))
    .limit(limit + 1)
    .all();
