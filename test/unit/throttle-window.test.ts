import { describe, expect, it } from "vitest";
import { currentWindow, refund, type ThrottleWindow, take } from "../../src/auth/throttle-window";
import { readConfig } from "../../src/config";

const MINUTE = { limit: 3, windowMs: 60_000 };
const T0 = Date.UTC(2026, 0, 1);

function takeN(n: number, now = T0, state: ThrottleWindow | null = null) {
  let current = state;
  for (let i = 0; i < n; i++) {
    const result = take(current, now, MINUTE);
    if (!result.ok) throw new Error(`attempt ${i + 1} refused`);
    current = result.window;
  }
  return current;
}

describe("throttle window", () => {
  it("allows `limit` attempts, then refuses with the seconds left in the window", () => {
    const state = takeN(3);
    expect(state).toEqual({ start: T0, count: 3 });
    expect(take(state, T0, MINUTE)).toEqual({ ok: false, window: state, retryAfterSeconds: 60 });
    expect(take(state, T0 + 59_001, MINUTE)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(take(state, T0 + 20_500, MINUTE)).toMatchObject({ ok: false, retryAfterSeconds: 40 });
  });

  it("opens a fresh window once the old one has passed", () => {
    const state = takeN(3);
    expect(take(state, T0 + 60_000, MINUTE)).toEqual({
      ok: true,
      window: { start: T0 + 60_000, count: 1 },
    });
  });

  it("opens a fresh window when the clock moved backwards", () => {
    expect(currentWindow({ start: T0, count: 3 }, T0 - 1, 60_000)).toEqual({
      start: T0 - 1,
      count: 0,
    });
  });

  it("refunds only into the window the attempt was taken in", () => {
    const state = takeN(3);
    expect(refund(state, T0)).toEqual({ start: T0, count: 2 });
    expect(refund(state, T0 - 60_000)).toBe(state);
    expect(refund({ start: T0, count: 0 }, T0)).toEqual({ start: T0, count: 0 });
    expect(refund(null, T0)).toBeNull();
  });

  it("reads the contract defaults: 10 failed log-ins a minute, 20 sign-ups an hour", () => {
    expect(readConfig({})).toMatchObject({ loginAttemptsPerMinute: 10, signupsPerHourPerIp: 20 });
    expect(
      readConfig({ LOGIN_ATTEMPTS_PER_MINUTE: "3", SIGNUPS_PER_HOUR_PER_IP: "2" }),
    ).toMatchObject({ loginAttemptsPerMinute: 3, signupsPerHourPerIp: 2 });
  });
});
