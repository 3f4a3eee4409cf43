import { and, desc, eq, lt } from "drizzle-orm";
import { notFound } from "../errors";
import { callCompletedData } from "../messaging/resources";
import { callIsOpen, type FinalCallStatus } from "../messaging/transitions";
import { type Call, calls, tasks } from "../storage/account/schema";
import { findContactByPhone } from "./contacts";
import type { LedgerContext } from "./context";
import type { LedgerDb } from "./db";
import type { CarrierName } from "./messages";

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
    from: input.from ?? ctx.config.defaultFromNumber,
    to: input.to,
    status: "queued",
    durationSeconds: null,
    recordingUrl: null,
    contactId: contact?.id ?? null,
    carrier,
    carrierSid: null,
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
    .where(eq(tasks.id, `call:${callId}`))
    .run();
  const call: Call = {
    ...current,
    status: outcome.status,
    durationSeconds: outcome.durationSeconds,
    recordingUrl: outcome.recordingUrl,
    completedAt: ctx.now,
  };
  ctx.db
    .update(calls)
    .set({
      status: call.status,
      durationSeconds: call.durationSeconds,
      recordingUrl: call.recordingUrl,
      completedAt: call.completedAt,
    })
    .where(eq(calls.id, callId))
    .run();
  ctx.emit("phone_call.completed", callCompletedData(call));
  return call;
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
