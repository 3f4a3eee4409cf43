import { base62FromNumber, randomBase62 } from "./lib/encoding";

/**
 * Everything with side effects on time or randomness sits behind these small interfaces. They are
 * built once per request and handed down, so tests substitute them instead of mocking modules.
 */
export interface Clock {
  now(): number;
}

export interface IdGenerator {
  /** Time-ordered ids (`prefix_` + 9 base62 chars of ms + 14 random), so ids sort by creation. */
  next(prefix: IdPrefix): string;
}

export type IdPrefix =
  | "acct"
  | "usr"
  | "sess"
  | "key"
  | "we"
  | "evt"
  | "msg"
  | "ct"
  | "call"
  | "aud"
  | "del"
  | "ntf"
  | "req"
  | "pn";

export interface Services {
  clock: Clock;
  ids: IdGenerator;
}

export const systemClock: Clock = { now: () => Date.now() };

export function timeOrderedIds(clock: Clock): IdGenerator {
  return { next: (prefix) => `${prefix}_${base62FromNumber(clock.now(), 9)}${randomBase62(14)}` };
}

export function createServices(overrides: Partial<Services> = {}): Services {
  const clock = overrides.clock ?? systemClock;
  return { clock, ids: overrides.ids ?? timeOrderedIds(clock) };
}

/** A clock that only moves when told to; used by tests through `createApp({ services })`. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
