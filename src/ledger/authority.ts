import { eq } from "drizzle-orm";
import type { Scope } from "../auth/scopes";
import { ApiError } from "../errors";
import type { Environment } from "../keys/secret";
import { authorityKeys, rateBuckets } from "../storage/account/schema";
import type { LedgerDb } from "./db";

/**
 * The strongly consistent authority over one account's API keys. KV only routes a secret to this
 * account's object; whether the key is live, its scopes, expiry, rotation grace, rate limit and
 * last use are decided here, on every authenticated request. Keys are few, so they are held in
 * memory and written through.
 */

/**
 * A bucket is written when it has drifted this fraction of the limit below what its stored row
 * would refill to: a key used flat out costs ten small writes a minute, a key used below its
 * limit none, and an object that restarts lets at most a tenth of a minute's limit through again.
 */
const PERSIST_FRACTION = 10;
export interface AuthorityKey {
  keyId: string;
  hash: string;
  environment: Environment;
  scopes: Scope[];
  expiresAt: number | null;
  /** A revocation time in the future is a rotation grace period. */
  revokedAt: number | null;
}

export type AuthorizeResult =
  | { ok: true; keyId: string; environment: Environment; scopes: Scope[] }
  | { ok: false; reason: "unknown" | "revoked" | "expired" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class KeyAuthority {
  #keys = new Map<string, AuthorityKey>();
  /** The live buckets; the truth while this instance lives. */
  #buckets = new Map<string, Bucket>();
  /** What `rate_buckets` holds for each key: where a restarted object starts from. */
  #stored = new Map<string, Bucket>();
  #unflushedLastUsed = new Map<string, number>();

  constructor(private readonly db: LedgerDb) {
    for (const row of db.select().from(authorityKeys).all()) {
      this.#keys.set(row.keyId, {
        keyId: row.keyId,
        hash: row.hash,
        environment: row.environment,
        scopes: row.scopes as Scope[],
        expiresAt: row.expiresAt,
        revokedAt: row.revokedAt,
      });
    }
    for (const row of db.select().from(rateBuckets).all()) {
      const bucket = { tokens: row.tokens, updatedAt: row.updatedAt };
      this.#buckets.set(row.keyId, { ...bucket });
      this.#stored.set(row.keyId, bucket);
    }
  }

  authorize(keyId: string, hash: string, now: number, limitPerMinute: number): AuthorizeResult {
    const key = this.#keys.get(keyId);
    // The hash comparison guards against a stale or tampered KV entry pointing at another key.
    if (!key || key.hash !== hash) return { ok: false, reason: "unknown" };
    if (key.revokedAt !== null && key.revokedAt <= now) return { ok: false, reason: "revoked" };
    if (key.expiresAt !== null && key.expiresAt <= now) return { ok: false, reason: "expired" };
    const retryAfter = this.#take(keyId, now, limitPerMinute);
    if (retryAfter > 0) return { ok: false, reason: "rate_limited", retryAfterSeconds: retryAfter };
    const previous = this.#unflushedLastUsed.get(keyId) ?? 0;
    this.#unflushedLastUsed.set(keyId, Math.max(previous, now));
    return { ok: true, keyId, environment: key.environment, scopes: key.scopes };
  }

  get(keyId: string): AuthorityKey | undefined {
    return this.#keys.get(keyId);
  }

  write(key: AuthorityKey): void {
    const row = { ...key, scopes: key.scopes as string[] };
    this.db
      .insert(authorityKeys)
      .values(row)
      .onConflictDoUpdate({ target: authorityKeys.keyId, set: row })
      .run();
    this.#keys.set(key.keyId, key);
  }

  remove(keyId: string): void {
    this.db.delete(authorityKeys).where(eq(authorityKeys.keyId, keyId)).run();
    this.db.delete(rateBuckets).where(eq(rateBuckets.keyId, keyId)).run();
    this.#keys.delete(keyId);
    this.#buckets.delete(keyId);
    this.#stored.delete(keyId);
  }

  hasUnflushedUse(): boolean {
    return this.#unflushedLastUsed.size > 0;
  }

  pendingLastUsed(): Record<string, number> {
    return Object.fromEntries(this.#unflushedLastUsed);
  }

  /** Forgets what was written, unless a newer use arrived meanwhile. */
  flushed(written: [string, number][]): void {
    for (const [keyId, at] of written) {
      if (this.#unflushedLastUsed.get(keyId) === at) this.#unflushedLastUsed.delete(keyId);
    }
  }

  /** Token bucket of `limit` per minute; returns seconds to wait, 0 when the request may pass. */
  #take(keyId: string, now: number, limitPerMinute: number): number {
    const ratePerMs = limitPerMinute / 60_000;
    const bucket = this.#buckets.get(keyId) ?? { tokens: limitPerMinute, updatedAt: now };
    bucket.tokens = refilled(bucket, now, limitPerMinute, ratePerMs);
    bucket.updatedAt = now;
    this.#buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#persist(keyId, bucket, now, limitPerMinute, ratePerMs);
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }

  /**
   * Writes the bucket when a restart from the stored row would be too generous. Both refill at
   * the same rate and only the live one is spent, so the stored row refilled to `now` is always
   * at or above the live bucket; the gap is what a restart would give away. The write is one
   * local SQLite row inside the call that already checks the key: no extra round trip.
   */
  #persist(keyId: string, bucket: Bucket, now: number, limit: number, ratePerMs: number): void {
    const stored = this.#stored.get(keyId);
    const ceiling = stored ? refilled(stored, now, limit, ratePerMs) : limit;
    if (ceiling - bucket.tokens < Math.max(1, Math.ceil(limit / PERSIST_FRACTION))) return;
    const row = { keyId, tokens: bucket.tokens, updatedAt: now };
    this.db
      .insert(rateBuckets)
      .values(row)
      .onConflictDoUpdate({ target: rateBuckets.keyId, set: row })
      .run();
    this.#stored.set(keyId, { tokens: bucket.tokens, updatedAt: now });
  }
}

/** What `bucket` holds at `now`, refilled at `ratePerMs` up to `limit`. */
const refilled = (bucket: Bucket, now: number, limit: number, ratePerMs: number): number =>
  Math.min(limit, bucket.tokens + Math.max(0, now - bucket.updatedAt) * ratePerMs);

/** A refused verdict as the API's error. */
export function authorizationError(verdict: Exclude<AuthorizeResult, { ok: true }>): ApiError {
  switch (verdict.reason) {
    case "revoked":
      return new ApiError("api_key_revoked", "This API key has been revoked.");
    case "expired":
      return new ApiError("api_key_expired", "This API key has expired.");
    case "rate_limited":
      return new ApiError(
        "rate_limited",
        `Too many requests for this API key; retry in ${verdict.retryAfterSeconds}s.`,
        { headers: { "Retry-After": String(verdict.retryAfterSeconds) } },
      );
    default:
      return new ApiError("invalid_api_key", "Invalid API key provided.", {
        headers: { "WWW-Authenticate": 'Bearer realm="switchboard"' },
      });
  }
}
