import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Action,
  capacity,
  INITIAL_MACHINE,
  type MachineState,
  step,
} from "../../src/delivery/machine";
import { type Outcome, retryDelayMs } from "../../src/delivery/policy";

/**
 * The delivery state machine against a model of the endpoint object: a queue in memory, a window
 * filled oldest first (head only at window 1), answers coming back in any order, time moving.
 * Random histories over random window sizes must keep every promise of SPEC §6.
 */
const TIMING = { retryBaseMs: 1_000, retryMaxElapsedMs: 60_000, failedRetryIntervalMs: 30_000 };

interface Row {
  seq: number;
  eventId: string;
  attempts: number;
  firstAttemptAt: number | null;
  nextAt: number;
  state: "pending" | "delivered" | "failed";
}

type Op =
  | { kind: "answer"; pick: number; outcome: Outcome; retryAfter: number | null; jitter: number }
  | { kind: "tick"; ms: number }
  | { kind: "publish" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("answer" as const),
      pick: fc.nat(100),
      outcome: fc.constantFrom<Outcome>("delivered", "delivered", "transient", "fatal", "gone"),
      retryAfter: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      jitter: fc.double({ min: 0, max: 0.999, noNaN: true }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.nat(40_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("publish" as const) }) },
);

function simulate(window: number, initial: number, ops: Op[], allowGone: boolean) {
  let now = 1_000_000;
  let state: MachineState = INITIAL_MACHINE;
  const rows: Row[] = [];
  const publish = () =>
    rows.push({
      seq: rows.length,
      eventId: `evt_${rows.length}`,
      attempts: 0,
      firstAttemptAt: null,
      nextAt: now,
      state: "pending",
    });
  for (let i = 0; i < initial; i++) publish();
  const inFlight: { row: Row; probe: boolean }[] = [];
  const delivered: number[] = [];
  let notices = 0;
  let healthChanges = 0;

  const apply = (actions: Action[], before: MachineState, after: MachineState, byUser = false) => {
    const notify = actions.filter((action) => action.type === "notify");
    // One notice per transition the receiver caused, and none passes silently; a user's own
    // settings change carries no notice.
    expect(notify.length).toBeLessThanOrEqual(1);
    expect(notify.length === 1).toBe(!byUser && before.health !== after.health);
    notices += notify.length;
    if (!byUser && before.health !== after.health) healthChanges += 1;
    for (const action of actions) {
      if (action.type === "release_all") {
        for (const row of rows) if (row.state === "pending") row.nextAt = Math.min(row.nextAt, now);
        continue;
      }
      if (action.type === "notify") continue;
      const row = rows.find((r) => r.eventId === action.eventId);
      if (!row) throw new Error("action on an unknown row");
      expect(row.state).toBe("pending");
      row.attempts = action.attempt;
      row.firstAttemptAt = action.firstAttemptAt;
      if (action.type === "finish") {
        row.state = action.state;
        if (action.state === "delivered") delivered.push(row.seq);
        // Given up only once the whole transient window has passed.
        if (action.state === "failed")
          expect(now - action.firstAttemptAt).toBeGreaterThanOrEqual(TIMING.retryMaxElapsedMs);
      } else {
        row.nextAt = action.at;
      }
    }
  };

  const fill = () => {
    const room = capacity(state, now, window);
    if (room.sends === 0) return;
    const busy = new Set(inFlight.map((f) => f.row.eventId));
    const pending = rows.filter((row) => row.state === "pending");
    let chosen: Row[];
    if (room.probe) chosen = pending.slice(0, 1);
    else if (window === 1) chosen = pending[0] && pending[0].nextAt <= now ? [pending[0]] : [];
    else chosen = pending.filter((r) => r.nextAt <= now && !busy.has(r.eventId));
    chosen = chosen.filter((r) => !busy.has(r.eventId)).slice(0, room.sends);
    if (chosen.length === 0) return;
    // No send while failed except the probe, and the probe goes alone.
    if (state.health === "failed") {
      expect(room.probe).toBe(true);
      expect(state.inFlight).toBe(0);
    }
    expect(state.health).not.toBe("disabled");
    state = step(
      state,
      { kind: "started", count: chosen.length, probe: room.probe },
      now,
      TIMING,
    ).state;
    for (const row of chosen) inFlight.push({ row, probe: room.probe });
    expect(state.inFlight).toBeLessThanOrEqual(window);
  };

  const answer = (pick: number, outcome: Outcome, retryAfter: number | null, jitter: number) => {
    const [sent] = inFlight.splice(pick % inFlight.length, 1);
    if (!sent) return;
    const before = state;
    const result = step(
      state,
      {
        kind: "answered",
        row: sent.row,
        probe: sent.probe,
        jitter,
        answer: {
          outcome,
          statusCode: null,
          error: outcome === "delivered" ? null : "x",
          retryAfterSeconds: retryAfter,
        },
      },
      now,
      TIMING,
    );
    const retry = result.actions.find((action) => action.type === "retry");
    if (retry?.type === "retry") {
      // Backoff as SPEC §6: transient waits the jittered exponential delay, fatal stays due.
      const expected =
        outcome === "transient"
          ? now + retryDelayMs(retry.attempt, TIMING.retryBaseMs, retryAfter, () => jitter)
          : now;
      expect(retry.at).toBe(expected);
    }
    state = result.state;
    apply(result.actions, before, state);
  };

  for (const op of ops) {
    fill();
    if (op.kind === "tick") now += op.ms;
    else if (op.kind === "publish") publish();
    else if (inFlight.length > 0) {
      const outcome = !allowGone && op.outcome === "gone" ? "fatal" : op.outcome;
      answer(op.pick, outcome, op.retryAfter, op.jitter);
    }
  }
  // Then the receiver heals: everything still pending must get through.
  if (state.health === "disabled") {
    const before = state;
    const result = step(state, { kind: "configured", active: true }, now, TIMING);
    state = result.state;
    apply(result.actions, before, state, true);
  }
  // A failed endpoint whose last event was given up has nothing to probe with: it recovers when
  // traffic resumes, with the next event as the probe.
  if (state.health === "failed" && !rows.some((row) => row.state === "pending")) publish();
  for (let guard = 0; guard < 10_000; guard++) {
    fill();
    if (inFlight.length > 0) answer(0, "delivered", null, 0.5);
    else if (rows.some((row) => row.state === "pending")) now += 5_000;
    else break;
  }
  return { rows, delivered, notices, healthChanges, state };
}

describe("delivery state machine (property)", () => {
  it("keeps SPEC §6 over random histories and window sizes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        fc.array(opArb, { maxLength: 120 }),
        fc.boolean(),
        (window, initial, ops, allowGone) => {
          const { rows, delivered, notices, healthChanges, state } = simulate(
            window,
            initial,
            ops,
            allowGone,
          );
          // Nothing dropped: every event ends delivered or, after 12 h of transient failures, failed.
          expect(rows.every((row) => row.state !== "pending")).toBe(true);
          expect(new Set(delivered).size).toBe(delivered.length);
          expect(notices).toBe(healthChanges);
          expect(state.health).toBe("active");
          expect(state.inFlight).toBe(0);
          // Strict order at window 1.
          if (window === 1) expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the first fatal answer in a full window pauses at once: one notice, only the probe after", () => {
    let state: MachineState = step(
      INITIAL_MACHINE,
      { kind: "started", count: 4, probe: false },
      0,
      TIMING,
    ).state;
    const answers: Outcome[] = ["fatal", "delivered", "fatal", "delivered"];
    let notices = 0;
    for (const [index, outcome] of answers.entries()) {
      const result = step(
        state,
        {
          kind: "answered",
          row: { eventId: `e${index}`, attempts: 0, firstAttemptAt: null },
          probe: false,
          jitter: 0,
          answer: { outcome, statusCode: 500, error: "HTTP 500", retryAfterSeconds: null },
        },
        index,
        TIMING,
      );
      notices += result.actions.filter((action) => action.type === "notify").length;
      state = result.state;
      expect(state.health).toBe("failed");
      expect(capacity(state, index, 4).sends).toBe(0);
    }
    expect(notices).toBe(1);
    expect(capacity(state, TIMING.failedRetryIntervalMs, 4)).toEqual({ sends: 1, probe: true });
  });
});
