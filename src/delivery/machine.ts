import { type Outcome, retryDelayMs } from "./policy";

/**
 * The endpoint's delivery state machine as one pure function: `step(state, input, now)` returns
 * the next state and the actions the endpoint object must apply (queue writes, notices). The
 * object owns storage and the network; every decision lives here, so it is property-tested
 * (test/unit/delivery-machine.property.test.ts) over random outcome sequences and window sizes.
 *
 * Health is `active`, `failed` (a fatal answer paused sending: only the hourly probe goes out) or
 * `disabled` (410 Gone or switched off). The API's `retrying` is `active` with transient retries
 * pending; the queue knows that, so it is derived there, not stored here.
 */
export type Health = "active" | "failed" | "disabled";
export type Transition = "endpoint.failed" | "endpoint.recovered" | "endpoint.disabled";

export interface MachineState {
  health: Health;
  /** Sends started and not yet answered (probe included). */
  inFlight: number;
  /** A probe of a failed endpoint is outstanding. */
  probing: boolean;
  /** When a failed endpoint is probed next. */
  nextProbeAt: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
}

export const INITIAL_MACHINE: MachineState = {
  health: "active",
  inFlight: 0,
  probing: false,
  nextProbeAt: null,
  lastSuccessAt: null,
  lastFailureAt: null,
  lastError: null,
};

export interface Timing {
  retryBaseMs: number;
  retryMaxElapsedMs: number;
  failedRetryIntervalMs: number;
}

/** What the machine needs to know about the row a send carried. */
export interface SentRow {
  eventId: string;
  /** Attempts before this one. */
  attempts: number;
  firstAttemptAt: number | null;
}

export interface Answer {
  outcome: Outcome;
  statusCode: number | null;
  error: string | null;
  retryAfterSeconds: number | null;
}

export type Input =
  /** `count` sends were started (`probe`: the one send a failed endpoint is allowed). */
  | { kind: "started"; count: number; probe: boolean }
  /** One send came back. `jitter` is a draw in [0, 1) so the function stays pure. */
  | { kind: "answered"; row: SentRow; probe: boolean; answer: Answer; jitter: number }
  /** The control plane changed settings: `active` false disables, true (re)starts at once. */
  | { kind: "configured"; active: boolean };

interface RowWrite {
  eventId: string;
  attempt: number;
  firstAttemptAt: number;
  statusCode: number | null;
  error: string | null;
}

export type Action =
  | ({ type: "finish"; state: "delivered" | "failed" } & RowWrite)
  /** The row stays pending and is due again at `at` (a fatal answer: at once, behind the pause). */
  | ({ type: "retry"; at: number } & RowWrite)
  /** Everything pending is due now (recovery, settings update): the backlog drains oldest first. */
  | { type: "release_all" }
  /** Exactly one per health change: notice, e-mail and operational event ride on it. */
  | { type: "notify"; transition: Transition; detail: string };

export interface Step {
  state: MachineState;
  actions: Action[];
}

/** How many sends may start now, and whether the one allowed send is a probe. */
export function capacity(
  state: MachineState,
  now: number,
  maxInFlight: number,
): { sends: number; probe: boolean } {
  if (state.health === "disabled") return { sends: 0, probe: false };
  if (state.health === "failed") {
    // A probe goes out alone, after what was outstanding at the pause has come back.
    const due = state.inFlight === 0 && (state.nextProbeAt ?? 0) <= now;
    return due ? { sends: 1, probe: true } : { sends: 0, probe: false };
  }
  return { sends: Math.max(0, maxInFlight - state.inFlight), probe: false };
}

export function step(state: MachineState, input: Input, now: number, timing: Timing): Step {
  switch (input.kind) {
    case "started":
      return {
        state: {
          ...state,
          inFlight: state.inFlight + input.count,
          probing: state.probing || input.probe,
        },
        actions: [],
      };
    case "configured":
      return configured(state, input.active);
    case "answered":
      return answered(state, input, now, timing);
  }
}

function configured(state: MachineState, active: boolean): Step {
  if (!active) {
    // Switched off by the user: no notice (they did it), sending stops.
    return { state: { ...state, health: "disabled", nextProbeAt: null }, actions: [] };
  }
  if (state.health === "active") return { state, actions: [] };
  // An update retries a failed or disabled endpoint at once (SPEC §6).
  return {
    state: { ...state, health: "active", nextProbeAt: null },
    actions: [{ type: "release_all" }],
  };
}

function answered(
  before: MachineState,
  input: Extract<Input, { kind: "answered" }>,
  now: number,
  timing: Timing,
): Step {
  const { row, answer, probe } = input;
  const state: MachineState = {
    ...before,
    inFlight: Math.max(0, before.inFlight - 1),
    probing: probe ? false : before.probing,
  };
  const write: RowWrite = {
    eventId: row.eventId,
    attempt: row.attempts + 1,
    firstAttemptAt: row.firstAttemptAt ?? now,
    statusCode: answer.statusCode,
    error: answer.error,
  };
  if (answer.outcome === "delivered") {
    state.lastSuccessAt = now;
    const actions: Action[] = [{ type: "finish", state: "delivered", ...write }];
    // Only the probe's 2xx recovers: a send that started before the pause proves nothing new.
    if (probe && state.health === "failed") {
      state.health = "active";
      state.nextProbeAt = null;
      actions.push(
        { type: "release_all" },
        {
          type: "notify",
          transition: "endpoint.recovered",
          detail: "deliveries resumed; the backlog is being replayed oldest first.",
        },
      );
    }
    return { state, actions };
  }
  state.lastFailureAt = now;
  state.lastError = answer.error;
  if (answer.outcome === "transient") return transient(state, write, input, now, timing);
  // Fatal or gone: the event stays in line, due at once, and goes out after the pause ends.
  const actions: Action[] = [{ type: "retry", at: now, ...write }];
  if (answer.outcome === "gone") {
    if (state.health !== "disabled") {
      state.health = "disabled";
      state.nextProbeAt = null;
      actions.push({
        type: "notify",
        transition: "endpoint.disabled",
        detail: "the endpoint answered 410 Gone, so it was disabled. Re-enable it to resume.",
      });
    }
    return { state, actions };
  }
  if (state.health === "active") {
    state.health = "failed";
    state.nextProbeAt = now + timing.failedRetryIntervalMs;
    actions.push({
      type: "notify",
      transition: "endpoint.failed",
      detail: `${answer.error ?? "delivery failed"}. Events are kept and retried hourly.`,
    });
  } else if (probe && state.health === "failed") {
    state.nextProbeAt = now + timing.failedRetryIntervalMs;
  }
  return { state, actions };
}

function transient(
  state: MachineState,
  write: RowWrite,
  input: Extract<Input, { kind: "answered" }>,
  now: number,
  timing: Timing,
): Step {
  // A failed endpoint's probe that fails transiently waits for the next probe, not a backoff.
  if (input.probe && state.health === "failed") {
    state.nextProbeAt = now + timing.failedRetryIntervalMs;
  }
  if (now - write.firstAttemptAt >= timing.retryMaxElapsedMs) {
    return { state, actions: [{ type: "finish", state: "failed", ...write }] };
  }
  const delay = retryDelayMs(
    write.attempt,
    timing.retryBaseMs,
    input.answer.retryAfterSeconds,
    () => input.jitter,
  );
  return { state, actions: [{ type: "retry", at: now + delay, ...write }] };
}
