import type { WebhookEndpoint } from "../db/schema";
import type { QueuedEvent } from "../delivery/queue";
import type { LedgerEvent, Subscription } from "../storage/account/schema";
import type { LedgerDb } from "./db";
import { eventsAfter } from "./outbox";
import type { SubscriptionSet } from "./subscriptions";

/** Outbox rows read per fan-out round (one batch per endpoint carries at most this many). */
export const FANOUT_BATCH = 500;
/** An endpoint object that refused a batch is tried again after this, doubling, up to a minute. */
export const FANOUT_RETRY_BASE_MS = 1_000;
const FANOUT_RETRY_MAX_MS = 60_000;

export const fanoutRetryAt = (failures: number, now: number) =>
  now + Math.min(FANOUT_RETRY_MAX_MS, FANOUT_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));

export interface Handover {
  subscription: Subscription;
  events: QueuedEvent[];
  /** The cursor once this batch is acknowledged (rows scanned, matching or not). */
  upTo: number;
}

/**
 * Plans one fan-out round: which endpoint gets which events. Pure apart from one read of the
 * outbox, from the lowest cursor among the endpoints that are behind and not backing off.
 */
export function planFanout(
  db: LedgerDb,
  subscriptions: SubscriptionSet,
  head: number,
  now: number,
): { handovers: Handover[]; more: boolean } {
  const behind = subscriptions
    .live()
    .filter((sub) => sub.cursor < head && (sub.retryAt === null || sub.retryAt <= now));
  if (behind.length === 0) return { handovers: [], more: false };
  const from = Math.min(...behind.map((sub) => sub.cursor));
  const rows = eventsAfter(db, from, FANOUT_BATCH);
  const last = rows.at(-1)?.seq ?? head;
  const handovers = behind.map((subscription) => ({
    subscription,
    events: rows
      .filter(
        (row) => row.seq > subscription.cursor && row.endpointIds.includes(subscription.endpointId),
      )
      .map(toQueued),
    upTo: last,
  }));
  return { handovers, more: last < head };
}

const toQueued = (row: LedgerEvent): QueuedEvent => ({
  eventId: row.id,
  type: row.type,
  payload: row.payload,
  createdAt: row.createdAt,
});

export interface EndpointQueue {
  enqueue(endpoint: WebhookEndpoint, events: QueuedEvent[]): Promise<unknown>;
}

/**
 * Hands every planned batch to its endpoint object at once (one call per endpoint, never one per
 * event) and records how far each got. Enqueue is idempotent by event id, so a batch that is
 * handed over twice (a crash before the cursor moved) is harmless.
 */
export async function handOver(
  handovers: Handover[],
  queueFor: (endpointId: string) => EndpointQueue,
  record: {
    advance(endpointId: string, upTo: number): void;
    fail(endpointId: string, error: unknown): void;
  },
): Promise<void> {
  await Promise.all(
    handovers.map(async ({ subscription, events, upTo }) => {
      if (events.length === 0) {
        record.advance(subscription.endpointId, upTo);
        return;
      }
      try {
        await queueFor(subscription.endpointId).enqueue(
          subscription.endpoint as WebhookEndpoint,
          events,
        );
        record.advance(subscription.endpointId, upTo);
      } catch (error) {
        record.fail(subscription.endpointId, error);
      }
    }),
  );
}
