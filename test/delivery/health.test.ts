import { describe, expect, it } from "vitest";
import {
  deliveryHealth,
  HEALTH_WINDOW_MS,
  type HealthAttempt,
  percentile,
} from "../../src/delivery/health";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const attempt = (minutesAgo: number, outcome: string, durationMs: number): HealthAttempt => ({
  at: NOW - minutesAgo * 60_000,
  statusCode: outcome === "delivered" ? 200 : 503,
  durationMs,
  eventType: "message.sent",
  outcome,
});

describe("delivery health (pure)", () => {
  it("has no rate and no latency when nothing was attempted", () => {
    expect(deliveryHealth([], NOW)).toEqual({
      windowHours: 24,
      attempts: 0,
      succeeded: 0,
      failed: 0,
      successRate: null,
      latencyMs: null,
      timeline: [],
    });
  });

  it("counts only delivered attempts as successes and takes nearest-rank percentiles", () => {
    const rows = [
      attempt(1, "delivered", 40),
      attempt(2, "transient", 15_000),
      attempt(3, "delivered", 20),
      attempt(4, "fatal", 30),
      attempt(5, "gone", 10),
    ];
    const health = deliveryHealth(rows, NOW);
    expect(health).toMatchObject({ attempts: 5, succeeded: 2, failed: 3, successRate: 0.4 });
    // Sorted durations 10, 20, 30, 40, 15000: p50 is the 3rd, p95 the 5th.
    expect(health.latencyMs).toEqual({ p50: 30, p95: 15_000 });
  });

  it("ignores attempts older than the window and orders the timeline oldest first", () => {
    const rows = [
      attempt(10, "delivered", 5),
      { ...attempt(0, "delivered", 7), at: NOW - HEALTH_WINDOW_MS }, // exactly 24 h ago: out
      attempt(24 * 60 + 1, "fatal", 9),
      attempt(30, "transient", 6),
    ];
    const health = deliveryHealth(rows, NOW);
    expect(health.attempts).toBe(2);
    expect(health.timeline.map((point) => point.at)).toEqual([
      NOW - 30 * 60_000,
      NOW - 10 * 60_000,
    ]);
    expect(health.timeline.map((point) => point.ok)).toEqual([false, true]);
    expect(health.timeline[0]).toEqual({
      at: NOW - 30 * 60_000,
      statusCode: 503,
      ok: false,
      durationMs: 6,
      eventType: "message.sent",
    });
  });

  it("keeps only the newest attempts in the timeline but counts all of them", () => {
    const rows = Array.from({ length: 60 }, (_, i) => attempt(60 - i, "delivered", i));
    const health = deliveryHealth(rows, NOW);
    expect(health.attempts).toBe(60);
    expect(health.timeline).toHaveLength(50);
    expect(health.timeline[0]?.durationMs).toBe(10);
    expect(health.timeline.at(-1)?.durationMs).toBe(59);
  });

  it("percentile of one value is that value; empty lists are refused", () => {
    expect(percentile([42], 50)).toBe(42);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});
