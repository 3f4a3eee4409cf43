/**
 * Delivery health at a glance (SPEC §8): success rate, latency percentiles and the latest attempts
 * of one endpoint over a recent window, computed from its attempt log. Pure, so the endpoint object
 * only reads the rows and the arithmetic is unit-tested on its own.
 */
export const HEALTH_WINDOW_HOURS = 24;
export const HEALTH_WINDOW_MS = HEALTH_WINDOW_HOURS * 3_600_000;
/** The timeline is for the eye, not a log: the delivery log has every attempt. */
export const HEALTH_TIMELINE_LIMIT = 50;

/** The columns of one logged attempt that health needs. */
export interface HealthAttempt {
  at: number;
  statusCode: number | null;
  durationMs: number;
  eventType: string;
  outcome: string;
}

export interface TimelinePoint {
  at: number;
  statusCode: number | null;
  ok: boolean;
  durationMs: number;
  eventType: string;
}

export interface DeliveryHealth {
  windowHours: number;
  attempts: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempts, 0..1; null when nothing was attempted (no rate to speak of). */
  successRate: number | null;
  latencyMs: { p50: number; p95: number } | null;
  /** Oldest first, so a chart reads left to right. */
  timeline: TimelinePoint[];
}

/** Only an accepted delivery counts as a success; retries, gone and fatal answers are failures. */
export const isSuccess = (attempt: Pick<HealthAttempt, "outcome">) =>
  attempt.outcome === "delivered";

/** Nearest-rank percentile of an ascending list (no interpolation: every value was observed). */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError("percentile of an empty list");
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  const index = Math.min(sortedAscending.length - 1, Math.max(0, rank - 1));
  return sortedAscending[index] as number;
}

/** Summarises the attempts made in (now - window, now]; rows outside it are ignored. */
export function deliveryHealth(
  rows: readonly HealthAttempt[],
  now: number,
  windowMs = HEALTH_WINDOW_MS,
  timelineLimit = HEALTH_TIMELINE_LIMIT,
): DeliveryHealth {
  const since = now - windowMs;
  const inWindow = rows
    .filter((row) => row.at > since && row.at <= now)
    .sort((a, b) => a.at - b.at);
  const succeeded = inWindow.filter(isSuccess).length;
  const durations = inWindow.map((row) => row.durationMs).sort((a, b) => a - b);
  return {
    windowHours: windowMs / 3_600_000,
    attempts: inWindow.length,
    succeeded,
    failed: inWindow.length - succeeded,
    successRate: inWindow.length ? succeeded / inWindow.length : null,
    latencyMs: durations.length
      ? { p50: percentile(durations, 50), p95: percentile(durations, 95) }
      : null,
    timeline: inWindow.slice(-timelineLimit).map((row) => ({
      at: row.at,
      statusCode: row.statusCode,
      ok: isSuccess(row),
      durationMs: row.durationMs,
      eventType: row.eventType,
    })),
  };
}
