import type { Carrier } from "../carrier/types";
import type { WebhookEndpoint } from "../db/schema";
import type { LedgerContext } from "./context";
import type { LedgerDb } from "./db";
import { type EndpointQueue, fanoutRetryAt, handOver, planFanout } from "./dispatch";
import { dueTasks, handOff, recordHandoff } from "./handoff";
import type { SubscriptionSet } from "./subscriptions";

/** What the work after a commit needs from the account object that runs it. */
export interface PumpHost {
  db: LedgerDb;
  subscriptions: SubscriptionSet;
  accountId: string;
  head(): number;
  now(): number;
  carrierFor(livemode: boolean): Carrier;
  queueFor(endpointId: string): EndpointQueue;
  /** One storage transaction; afterwards the outbox head moves. */
  commit<T>(change: () => T): T;
  context(livemode: boolean, now: number): LedgerContext;
}

/**
 * Hands due carrier tasks over (all at once, each bounded by the carrier's own timeout) and
 * records every answer in its own commit: `sent` with `message.sent`, a refusal, or a retry time.
 */
export async function runHandoffs(host: PumpHost, now: number): Promise<void> {
  const due = dueTasks(host.db, now);
  // One carrier per mode for the round, so a carrier can batch what starts together.
  const carriers = new Map<boolean, Carrier>();
  const carrier = (livemode: boolean) => {
    const known = carriers.get(livemode) ?? host.carrierFor(livemode);
    carriers.set(livemode, known);
    return known;
  };
  const answers = await Promise.all(
    due.map(async (task) => ({
      task,
      answer: await handOff(host.db, carrier(task.livemode), host.accountId, task),
    })),
  );
  for (const { task, answer } of answers) {
    host.commit(() => recordHandoff(host.context(task.livemode, host.now()), task, answer));
  }
}

/**
 * Catches every subscribed endpoint up with the outbox, one batch per endpoint per round, until
 * each is at the head or backing off after a refusal.
 */
export async function fanOut(host: PumpHost, now: number): Promise<void> {
  for (;;) {
    const { handovers, more } = planFanout(host.db, host.subscriptions, host.head(), now);
    if (handovers.length === 0) return;
    await handOver(handovers, (endpointId) => host.queueFor(endpointId), {
      advance: (endpointId, upTo) => host.subscriptions.advance(endpointId, upTo),
      fail: (endpointId, error) => {
        const failures = (host.subscriptions.get(endpointId)?.failures ?? 0) + 1;
        host.subscriptions.fail(endpointId, fanoutRetryAt(failures, host.now()));
        console.error(
          JSON.stringify({
            level: "warn",
            msg: "fan-out failed",
            endpointId,
            error: String(error),
          }),
        );
      },
    });
    if (!more) return;
  }
}

/** D1's endpoint list replaces the pushed subscriptions, healing a push that was lost. */
export async function refreshSubscriptions(
  subscriptions: SubscriptionSet,
  load: () => Promise<WebhookEndpoint[]>,
  head: number,
  now: number,
  tombstoneTtlMs: number,
): Promise<boolean> {
  try {
    subscriptions.reconcile(await load(), head, now);
    subscriptions.forgetTombstones(now - tombstoneTtlMs);
    return true;
  } catch (error) {
    console.error(
      JSON.stringify({ level: "warn", msg: "subscription refresh failed", error: String(error) }),
    );
    return false;
  }
}
