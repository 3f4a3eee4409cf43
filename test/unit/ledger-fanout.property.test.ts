import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WebhookEndpoint } from "../../src/db/schema";
import type { AccountObject } from "../../src/durable/account-object";
import type { EventType } from "../../src/events/catalog";
import { openLedgerDb } from "../../src/ledger/db";
import { handOver, planFanout } from "../../src/ledger/dispatch";
import { appendEvent, headSeq } from "../../src/ledger/outbox";
import { SubscriptionSet } from "../../src/ledger/subscriptions";

/**
 * The outbox against random histories: events appended while endpoints subscribe, change,
 * unsubscribe and refuse their batches. Whatever happens, once refusals stop every endpoint still
 * subscribed holds exactly the events matched to it at commit (none lost, none foreign), oldest
 * first, each once.
 */

const TYPES: EventType[] = ["message.sent", "message.delivered", "contact.created"];
const ENDPOINTS = ["we_a", "we_b", "we_c", "we_d"];

type Step =
  | { kind: "event"; type: EventType }
  | { kind: "subscribe"; endpoint: string; events: EventType[]; active: boolean }
  | { kind: "unsubscribe"; endpoint: string }
  | { kind: "refuse"; endpoint: string; refusing: boolean }
  | { kind: "pump" };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("event" as const), type: fc.constantFrom(...TYPES) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("subscribe" as const),
      endpoint: fc.constantFrom(...ENDPOINTS),
      events: fc.subarray(TYPES, { minLength: 1 }),
      active: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("unsubscribe" as const),
      endpoint: fc.constantFrom(...ENDPOINTS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("refuse" as const),
      endpoint: fc.constantFrom(...ENDPOINTS),
      refusing: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "pump" as const }) },
);

const endpointRow = (id: string, events: EventType[], active: boolean, updatedAt: number) =>
  ({ id, accountId: "acct_prop", events, active, updatedAt }) as WebhookEndpoint;

describe("outbox fan-out (property)", () => {
  it("delivers every matched event to every endpoint exactly once, in order, whatever fails", async () => {
    const stub = env.ACCOUNT.get(env.ACCOUNT.newUniqueId());
    await runInDurableObject<AccountObject, void>(stub, async (_instance, state) => {
      const db = openLedgerDb(state.storage);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 10, maxLength: 80, size: "max" }),
          async (steps) => {
            run++;
            state.storage.sql.exec("DELETE FROM events");
            state.storage.sql.exec("DELETE FROM subscriptions");
            const subscriptions = new SubscriptionSet(db);
            const queues = new Map<string, string[]>();
            const refusing = new Set<string>();
            const expected = new Map<string, string[]>();
            const removedAt = new Map<string, number>();
            let clock = 1_000;
            let seq = 0;

            const pump = async (now: number) => {
              for (let round = 0; round < 50; round++) {
                const { handovers } = planFanout(db, subscriptions, headSeq(db), now);
                if (handovers.length === 0) return;
                await handOver(
                  handovers,
                  (endpointId) => ({
                    async enqueue(_endpoint, events) {
                      if (refusing.has(endpointId)) throw new Error("refused");
                      // Enqueue is idempotent by event id, like the endpoint object's queue.
                      const queue = queues.get(endpointId) ?? [];
                      for (const event of events) {
                        if (!queue.includes(event.eventId)) queue.push(event.eventId);
                      }
                      queues.set(endpointId, queue);
                    },
                  }),
                  {
                    advance: (endpointId, upTo) => subscriptions.advance(endpointId, upTo),
                    fail: (endpointId) => subscriptions.fail(endpointId, now + 1_000),
                  },
                );
              }
            };

            for (const current of steps) {
              clock += 10;
              if (current.kind === "event") {
                const id = `evt_${run}_${seq++}`;
                const matched = subscriptions.matching(current.type, false);
                appendEvent(db, subscriptions, {
                  id,
                  accountId: "acct_prop",
                  parentAccountId: null,
                  type: current.type,
                  livemode: false,
                  data: {},
                  now: clock,
                });
                for (const endpoint of matched) {
                  expected.set(endpoint, [...(expected.get(endpoint) ?? []), id]);
                }
              } else if (current.kind === "subscribe") {
                if (removedAt.has(current.endpoint)) continue; // deleted endpoints stay deleted
                subscriptions.upsert(
                  endpointRow(current.endpoint, current.events, current.active, clock),
                  headSeq(db),
                );
              } else if (current.kind === "unsubscribe") {
                subscriptions.remove(current.endpoint, clock);
                removedAt.set(current.endpoint, clock);
              } else if (current.kind === "refuse") {
                if (current.refusing) refusing.add(current.endpoint);
                else refusing.delete(current.endpoint);
              } else {
                await pump(clock);
              }
            }
            refusing.clear();
            await pump(clock + 1_000_000);

            for (const endpoint of ENDPOINTS) {
              const got = queues.get(endpoint) ?? [];
              const want = expected.get(endpoint) ?? [];
              if (removedAt.has(endpoint)) {
                // Gone: whatever it got was meant for it, in order; nothing after its removal.
                expect(want.filter((id) => got.includes(id))).toEqual(got);
              } else {
                expect(got).toEqual(want);
              }
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
