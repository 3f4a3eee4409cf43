import { and, asc, desc, eq, gt, gte, inArray, isNull, lt } from "drizzle-orm";
import type { QueuedEvent } from "../delivery/queue";
import { buildEnvelope, type EventEnvelope, type EventType } from "../events/catalog";
import { events, type LedgerEvent } from "../storage/account/schema";
import type { LedgerDb } from "./db";
import type { SubscriptionSet } from "./subscriptions";

/**
 * Appends one event to the outbox (the events table) inside the caller's transaction. The
 * endpoints it goes to are decided here, from the subscriptions this object keeps, so the commit
 * alone fixes who receives it and fan-out only has to catch up.
 */
export function appendEvent(
  db: LedgerDb,
  subscriptions: SubscriptionSet,
  input: {
    id: string;
    accountId: string;
    parentAccountId: string | null;
    type: EventType;
    livemode: boolean;
    data: unknown;
    now: number;
    /** An endpoint that must not receive this event (its own operational notice). */
    exclude?: string;
  },
): EventEnvelope {
  const envelope = buildEnvelope({
    id: input.id,
    type: input.type,
    createdAt: input.now,
    accountId: input.accountId,
    parentAccountId: input.parentAccountId,
    livemode: input.livemode,
    data: input.data,
  });
  db.insert(events)
    .values({
      id: envelope.id,
      type: input.type,
      livemode: input.livemode,
      payload: JSON.stringify(envelope),
      endpointIds: subscriptions.matching(input.type, false).filter((id) => id !== input.exclude),
      originAccountId: null,
      createdAt: input.now,
    })
    .run();
  return envelope;
}

/**
 * Events a child account forwarded up (its own, or its descendants' it forwards in turn). Each is
 * stored once by its id, so a batch handed over twice adds nothing, and matched to this
 * account's `include_subaccounts` endpoints and to its own parent: one hop per level, the same
 * cost per event however deep or wide the tree.
 */
export function appendForwarded(
  db: LedgerDb,
  subscriptions: SubscriptionSet,
  batch: QueuedEvent[],
): number {
  let added = 0;
  for (const event of batch) {
    const envelope = JSON.parse(event.payload) as { account_id?: unknown; livemode?: unknown };
    const inserted = db
      .insert(events)
      .values({
        id: event.eventId,
        type: event.type,
        livemode: envelope.livemode === true,
        payload: event.payload,
        endpointIds: subscriptions.matching(event.type, true),
        originAccountId: typeof envelope.account_id === "string" ? envelope.account_id : "",
        createdAt: event.createdAt,
      })
      .onConflictDoNothing()
      .returning({ seq: events.seq })
      .all();
    added += inserted.length;
  }
  return added;
}

export const headSeq = (db: LedgerDb): number =>
  db.select({ seq: events.seq }).from(events).orderBy(desc(events.seq)).limit(1).get()?.seq ?? 0;

/** The outbox after `cursor`, oldest first, for fan-out. */
export const eventsAfter = (db: LedgerDb, cursor: number, limit: number): LedgerEvent[] =>
  db
    .select()
    .from(events)
    .where(gt(events.seq, cursor))
    .orderBy(asc(events.seq))
    .limit(limit)
    .all();

/** The account's own events only: what descendants forwarded is theirs to show. */
export const findEvent = (db: LedgerDb, id: string): LedgerEvent | undefined =>
  db
    .select()
    .from(events)
    .where(and(eq(events.id, id), isNull(events.originAccountId)))
    .get();

/** Newest first; `livemode` undefined lists both modes (the dashboard). */
export const listEvents = (
  db: LedgerDb,
  filter: { type?: string | undefined; livemode?: boolean | undefined },
  limit: number,
  cursor?: string,
): LedgerEvent[] =>
  db
    .select()
    .from(events)
    .where(
      and(
        isNull(events.originAccountId),
        filter.livemode === undefined ? undefined : eq(events.livemode, filter.livemode),
        filter.type ? eq(events.type, filter.type) : undefined,
        cursor ? lt(events.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(limit + 1)
    .all();

/**
 * Oldest first, for replay; bounded so one request cannot load an account's whole history. An
 * `include_subaccounts` endpoint replays what descendants forwarded too.
 */
export const eventsSince = (
  db: LedgerDb,
  since: number,
  types: string[],
  max: number,
  livemode?: boolean,
  includeForwarded = false,
): LedgerEvent[] =>
  db
    .select()
    .from(events)
    .where(
      and(
        includeForwarded ? undefined : isNull(events.originAccountId),
        gte(events.createdAt, since),
        livemode === undefined ? undefined : eq(events.livemode, livemode),
        inArray(events.type, types),
      ),
    )
    .orderBy(asc(events.seq))
    .limit(max)
    .all();
