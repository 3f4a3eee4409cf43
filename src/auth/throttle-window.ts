/**
 * Fixed-window attempt counting for the log-in and sign-up throttles: pure, so the window math is
 * unit-tested without a Durable Object. A window opens at the first attempt and lasts `windowMs`;
 * at most `limit` attempts are taken in it. A clock that moves backwards (a test's manual clock)
 * opens a fresh window rather than trusting a start in the future.
 */
export interface ThrottleWindow {
  /** When the current window opened (ms since epoch, from the request's clock). */
  start: number;
  /** Attempts taken in it. */
  count: number;
}

export type TakeResult =
  | { ok: true; window: ThrottleWindow }
  | { ok: false; window: ThrottleWindow; retryAfterSeconds: number };

export interface Limit {
  limit: number;
  windowMs: number;
}

/** The window that applies at `now`: the stored one while it runs, else a fresh empty one. */
export function currentWindow(
  state: ThrottleWindow | null,
  now: number,
  windowMs: number,
): ThrottleWindow {
  if (!state || now < state.start || now >= state.start + windowMs) return { start: now, count: 0 };
  return state;
}

/** Takes one attempt, or refuses with the whole seconds until the window frees a slot (≥ 1). */
export function take(
  state: ThrottleWindow | null,
  now: number,
  { limit, windowMs }: Limit,
): TakeResult {
  const window = currentWindow(state, now, windowMs);
  if (window.count >= limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    return { ok: false, window, retryAfterSeconds };
  }
  return { ok: true, window: { start: window.start, count: window.count + 1 } };
}

/**
 * Gives back an attempt taken in the window that opened at `start` (a log-in that succeeded). An
 * attempt from a window that has since closed is not refunded into the new one.
 */
export function refund(state: ThrottleWindow | null, start: number): ThrottleWindow | null {
  if (!state || state.start !== start || state.count === 0) return state;
  return { start: state.start, count: state.count - 1 };
}
