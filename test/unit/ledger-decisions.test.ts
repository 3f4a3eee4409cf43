import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FANOUT_RETRY_BASE_MS, fanoutRetryAt } from "../../src/ledger/dispatch";
import { HANDOFF_RETRY_MS, nextHandoffAt } from "../../src/ledger/handoff";
import { nextAlarmAt } from "../../src/ledger/schedule";
import { type MessageStatus, type Receipt, receiptApplies } from "../../src/messaging/transitions";

describe("receipts (property)", () => {
  const receipt = fc.constantFrom<Receipt["status"]>("delivered", "failed", "unknown");

  it("any sequence of receipts changes a message at most twice, and never after a final status", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<MessageStatus>("queued", "sent"),
        fc.array(receipt),
        (start, receipts) => {
          let status: MessageStatus = start;
          let changes = 0;
          for (const next of receipts) {
            const final = status === "delivered" || status === "failed";
            if (receiptApplies(status, next)) {
              expect(final).toBe(false);
              status = next;
              changes++;
            }
          }
          expect(changes).toBeLessThanOrEqual(2);
          // The first receipt always lands; a definite one after `unknown` lands once.
          if (receipts.length > 0) expect(changes).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("inbound messages never take a receipt", () => {
    expect(receiptApplies("received", "delivered")).toBe(false);
    expect(receiptApplies("delivered", "failed")).toBe(false);
    expect(receiptApplies("unknown", "unknown")).toBe(false);
    expect(receiptApplies("unknown", "delivered")).toBe(true);
  });
});

describe("retry schedules", () => {
  it("hands off again after 1 s, 5 s, 30 s, 2 min and 10 min, then gives up", () => {
    expect(HANDOFF_RETRY_MS.map((_, i) => nextHandoffAt(i + 1, 0))).toEqual([
      1_000, 5_000, 30_000, 120_000, 600_000,
    ]);
    expect(nextHandoffAt(HANDOFF_RETRY_MS.length + 1, 0)).toBeNull();
  });

  it("backs a refusing endpoint object off, doubling up to a minute", () => {
    expect(fanoutRetryAt(1, 0)).toBe(FANOUT_RETRY_BASE_MS);
    expect(fanoutRetryAt(2, 0)).toBe(2 * FANOUT_RETRY_BASE_MS);
    expect(fanoutRetryAt(30, 0)).toBe(60_000);
  });
});

describe("the account object's one alarm", () => {
  const base = {
    now: 0,
    wall: 1_000_000,
    nextTaskAt: null,
    subscriptions: [],
    head: 0,
    flushDueAt: null,
    sweepDueAt: null,
    outboxSafetyMs: 2_000,
  };

  it("is not set when nothing is due", () => {
    expect(nextAlarmAt(base)).toBeNull();
  });

  it("fires at the earliest due thing, translated from the ledger clock to the wall clock", () => {
    expect(nextAlarmAt({ ...base, nextTaskAt: 5_000, sweepDueAt: 3_600_000 })).toBe(1_005_000);
    expect(nextAlarmAt({ ...base, flushDueAt: 1_000_500, nextTaskAt: 5_000 })).toBe(1_000_500);
  });

  it("an endpoint behind the outbox is a safety net soon, or its back-off end", () => {
    const behind = { cursor: 1, retryAt: null };
    expect(nextAlarmAt({ ...base, head: 2, subscriptions: [behind] })).toBe(1_002_000);
    const backingOff = { cursor: 1, retryAt: 30_000 };
    expect(nextAlarmAt({ ...base, head: 2, subscriptions: [backingOff] })).toBe(1_030_000);
    const caughtUp = { cursor: 2, retryAt: null };
    expect(nextAlarmAt({ ...base, head: 2, subscriptions: [caughtUp] })).toBeNull();
  });

  it("is never in the past", () => {
    expect(nextAlarmAt({ ...base, now: 10_000, nextTaskAt: 0 })).toBe(1_000_000);
  });
});
