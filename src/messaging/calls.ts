import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { carrierFor } from "../carrier/select";
import { CarrierRejected } from "../carrier/types";
import { type Call, calls } from "../db/schema";
import { publish } from "../delivery/publish";
import { notFound } from "../errors";
import { toIso, toIsoOrNull } from "../lib/time";
import { findContactByPhone } from "./contacts";
import type { MessagingDeps, Scope } from "./deps";

export type FinalCallStatus = "completed" | "failed" | "busy" | "no-answer";

export const callResource = (call: Call) => ({
  id: call.id,
  from: call.from,
  to: call.to,
  status: call.status,
  duration_seconds: call.durationSeconds,
  recording_url: call.recordingUrl,
  contact_id: call.contactId,
  created_at: toIso(call.createdAt),
  completed_at: toIsoOrNull(call.completedAt),
});

export async function startCall(
  deps: MessagingDeps,
  scope: Scope,
  input: { to: string; from?: string | undefined },
): Promise<Call> {
  const carrier = carrierFor(deps, scope);
  const contact = await findContactByPhone(deps, scope, input.to);
  const call: Call = {
    id: deps.services.ids.next("call"),
    accountId: scope.accountId,
    livemode: scope.livemode,
    from: input.from ?? deps.config.defaultFromNumber,
    to: input.to,
    status: "queued",
    durationSeconds: null,
    recordingUrl: null,
    contactId: contact?.id ?? null,
    carrier: carrier.name,
    carrierSid: null,
    createdAt: deps.services.clock.now(),
    completedAt: null,
  };
  await deps.db.insert(calls).values(call);
  try {
    const { carrierSid } = await carrier.startCall(call);
    await deps.db
      .update(calls)
      .set({ carrierSid, status: "in-progress" })
      .where(and(eq(calls.id, call.id), eq(calls.status, "queued")));
    return { ...call, carrierSid, status: "in-progress" };
  } catch (error) {
    if (!(error instanceof CarrierRejected)) throw error;
    return (
      (await completeCall(deps, scope, call.id, {
        status: "failed",
        durationSeconds: 0,
        recordingUrl: null,
      })) ?? call
    );
  }
}

/** A call's final status from any carrier; only the first one counts and emits the event. */
export async function completeCall(
  deps: MessagingDeps,
  scope: Scope,
  callId: string,
  outcome: { status: FinalCallStatus; durationSeconds: number; recordingUrl: string | null },
): Promise<Call | null> {
  const now = deps.services.clock.now();
  const updated = await deps.db
    .update(calls)
    .set({
      status: outcome.status,
      durationSeconds: outcome.durationSeconds,
      recordingUrl: outcome.recordingUrl,
      completedAt: now,
    })
    .where(
      and(
        eq(calls.id, callId),
        eq(calls.accountId, scope.accountId),
        eq(calls.livemode, scope.livemode),
        inArray(calls.status, ["queued", "in-progress"]),
      ),
    )
    .returning();
  const call = updated[0];
  if (!call) return null;
  await publish(deps, {
    ...scope,
    type: "phone_call.completed",
    data: {
      id: call.id,
      from: call.from,
      to: call.to,
      status: outcome.status,
      duration_seconds: outcome.durationSeconds,
      recording_url: outcome.recordingUrl,
      created_at: toIso(call.createdAt),
      completed_at: toIso(now),
    },
  });
  return call;
}

export async function getCall(deps: MessagingDeps, scope: Scope, id: string): Promise<Call> {
  const rows = await deps.db
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.id, id),
        eq(calls.accountId, scope.accountId),
        eq(calls.livemode, scope.livemode),
      ),
    )
    .limit(1);
  const call = rows[0];
  if (!call) throw notFound("call");
  return call;
}

export function listCalls(
  deps: MessagingDeps,
  scope: Scope,
  filter: { status?: Call["status"] | undefined },
  limit: number,
  cursor?: string,
) {
  return deps.db
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.accountId, scope.accountId),
        eq(calls.livemode, scope.livemode),
        filter.status ? eq(calls.status, filter.status) : undefined,
        cursor ? lt(calls.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(calls.id))
    .limit(limit + 1);
}
