import type { Subscription } from "../storage/account/schema";

/**
 * When the account object's one alarm should fire: the earliest of a due hand-off, an endpoint
 * that is behind the outbox (at once as a safety net, or when its back-off ends), the last-use
 * flush and the hourly retention sweep. Ledger times (`now`) may run on a test clock, so each is
 * turned into a wall-clock time. Null: nothing to wake up for.
 *
 * @example nextAlarmAt({ now: 0, wall: 1000, nextTaskAt: 500, ... }) // 1500
 */
export function nextAlarmAt(input: {
  now: number;
  wall: number;
  nextTaskAt: number | null;
  subscriptions: Pick<Subscription, "cursor" | "retryAt">[];
  head: number;
  flushDueAt: number | null;
  sweepDueAt: number | null;
  outboxSafetyMs: number;
}): number | null {
  const { now, wall } = input;
  const toWall = (at: number) => wall + Math.max(0, at - now);
  const candidates: number[] = [];
  if (input.nextTaskAt !== null) candidates.push(toWall(input.nextTaskAt));
  for (const sub of input.subscriptions) {
    if (sub.cursor >= input.head) continue;
    candidates.push(sub.retryAt === null ? wall + input.outboxSafetyMs : toWall(sub.retryAt));
  }
  if (input.flushDueAt !== null) candidates.push(input.flushDueAt);
  if (input.sweepDueAt !== null) candidates.push(toWall(input.sweepDueAt));
  return candidates.length === 0 ? null : Math.max(wall, Math.min(...candidates));
}
