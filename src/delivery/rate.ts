/**
 * The per-endpoint rate cap (`rate_limit_per_second`) as a token bucket, pure so the object only
 * stores it. The bucket holds at most one second's worth of tokens and refills continuously, so a
 * long run is never faster than the rate and an idle endpoint may start with one second's burst.
 * When it is empty the object arms its alarm at `nextTokenAt` instead of polling.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

export const fullBucket = (rate: number, now: number): Bucket => ({ tokens: rate, at: now });

export function refill(bucket: Bucket, rate: number, now: number): Bucket {
  if (now <= bucket.at) return bucket;
  return { tokens: Math.min(rate, bucket.tokens + ((now - bucket.at) * rate) / 1000), at: now };
}

/** Whole sends the bucket allows now (null rate: no cap). */
export const available = (bucket: Bucket, rate: number | null, now: number): number =>
  rate === null ? Number.POSITIVE_INFINITY : Math.floor(refill(bucket, rate, now).tokens);

export function take(bucket: Bucket, rate: number | null, now: number, count: number): Bucket {
  if (rate === null) return bucket;
  const filled = refill(bucket, rate, now);
  return { tokens: filled.tokens - count, at: filled.at };
}

/** When the next whole token is there (now, if one is). */
export function nextTokenAt(bucket: Bucket, rate: number, now: number): number {
  const filled = refill(bucket, rate, now);
  if (filled.tokens >= 1) return now;
  return now + Math.ceil(((1 - filled.tokens) * 1000) / rate);
}
