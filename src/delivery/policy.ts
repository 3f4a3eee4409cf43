import type { AttemptResult } from "../webhooks/send";

/**
 * Seed 003's error handling, made precise:
 * - delivered: any 2xx;
 * - transient: 408, 429, 504, timeouts and connection errors, retried with backoff;
 * - gone: 410, the receiver asks us to stop (Standard Webhooks): the endpoint is disabled;
 * - fatal: every other status, the endpoint is marked failed and probed hourly.
 */
export type Outcome = "delivered" | "transient" | "gone" | "fatal";

const TRANSIENT_STATUSES = new Set([408, 429, 504]);

export function classify(result: Pick<AttemptResult, "ok" | "status_code">): Outcome {
  if (result.ok) return "delivered";
  if (result.status_code === null) return "transient";
  if (TRANSIENT_STATUSES.has(result.status_code)) return "transient";
  if (result.status_code === 410) return "gone";
  return "fatal";
}

/** Longest single wait between transient retries, so a long outage is still probed regularly. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * Exponential backoff from `baseMs` (attempt 1 waits about `baseMs`), capped, with ±20% jitter so
 * many endpoints failing together do not retry in lockstep. `Retry-After` wins when it is longer.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds * 1000, MAX_BACKOFF_MS);
  return Math.max(jittered, asked, 1);
}
