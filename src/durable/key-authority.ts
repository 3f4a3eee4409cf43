import { DurableObject } from "cloudflare:workers";
import type { Scope } from "../auth/scopes";
import type { Environment } from "../keys/secret";

/**
 * The strongly consistent authority over one account's API keys. KV only routes a secret here;
 * whether the key is live, its scopes, expiry, rotation grace, rate limit and last use are decided
 * by this object, which every authenticated request consults. One object per account keeps
 * rotation atomic (old and new key change in one transaction) without serialising accounts.
 */
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

/** last_used_at is aggregated in memory and written out at most this often. */
export const LAST_USED_FLUSH_MS = 60_000;

export class KeyAuthority extends DurableObject<Env> {
  #keys = new Map<string, AuthorityKey>();
  #buckets = new Map<string, Bucket>();
  #unflushedLastUsed = new Map<string, number>();
  #flushScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS keys (
        key_id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        environment TEXT NOT NULL,
        scopes TEXT NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER
      )`);
      for (const row of ctx.storage.sql.exec<Record<string, string | number | null>>(
        "SELECT * FROM keys",
      )) {
        const key = this.#fromRow(row);
        this.#keys.set(key.keyId, key);
      }
      this.#flushScheduled = (await ctx.storage.getAlarm()) !== null;
    });
  }

  async register(key: AuthorityKey): Promise<void> {
    this.#write(key);
  }

  async authorize(
    keyId: string,
    hash: string,
    now: number,
    limitPerMinute: number,
  ): Promise<AuthorizeResult> {
    const key = this.#keys.get(keyId);
    // The hash comparison guards against a stale or tampered KV entry pointing at another key.
    if (!key || key.hash !== hash) return { ok: false, reason: "unknown" };
    if (key.revokedAt !== null && key.revokedAt <= now) return { ok: false, reason: "revoked" };
    if (key.expiresAt !== null && key.expiresAt <= now) return { ok: false, reason: "expired" };
    const retryAfter = this.#take(keyId, now, limitPerMinute);
    if (retryAfter > 0) return { ok: false, reason: "rate_limited", retryAfterSeconds: retryAfter };
    this.#recordUse(keyId, now);
    return { ok: true, keyId, environment: key.environment, scopes: key.scopes };
  }

  /** New key live and old key limited to `oldKeyRevokedAt`, in one transaction. */
  async rotate(
    oldKeyId: string,
    replacement: AuthorityKey,
    oldKeyRevokedAt: number,
  ): Promise<{ previousRevokedAt: number | null; oldHash: string | null }> {
    const old = this.#keys.get(oldKeyId);
    this.ctx.storage.transactionSync(() => {
      this.#write(replacement);
      if (old) this.#write({ ...old, revokedAt: oldKeyRevokedAt });
    });
    return { previousRevokedAt: old?.revokedAt ?? null, oldHash: old?.hash ?? null };
  }

  /** Compensation when the metadata write after a rotation fails. */
  async undoRotate(
    oldKeyId: string,
    replacementKeyId: string,
    previousRevokedAt: number | null,
  ): Promise<void> {
    const old = this.#keys.get(oldKeyId);
    this.ctx.storage.transactionSync(() => {
      if (old) this.#write({ ...old, revokedAt: previousRevokedAt });
      this.#remove(replacementKeyId);
    });
  }

  /** Idempotent; returns the key's hash so the caller can drop the KV route to it. */
  async revoke(keyId: string, at: number): Promise<string | null> {
    const key = this.#keys.get(keyId);
    if (!key) return null;
    if (key.revokedAt === null || key.revokedAt > at) this.#write({ ...key, revokedAt: at });
    return key.hash;
  }

  async unregister(keyId: string): Promise<void> {
    this.#remove(keyId);
  }

  /** Uses not yet flushed to D1, so listings are exact rather than a minute behind. */
  async pendingLastUsed(): Promise<Record<string, number>> {
    return Object.fromEntries(this.#unflushedLastUsed);
  }

  override async alarm(): Promise<void> {
    this.#flushScheduled = false;
    await this.flushLastUsed();
  }

  /** Idempotent: writes whatever is pending (monotonically) and forgets it only once written. */
  async flushLastUsed(): Promise<void> {
    const pending = [...this.#unflushedLastUsed];
    if (pending.length === 0) return;
    try {
      await this.env.DB.batch(
        pending.map(([keyId, at]) =>
          this.env.DB.prepare(
            "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?1) WHERE id = ?2",
          ).bind(at, keyId),
        ),
      );
    } catch (error) {
      console.error(
        JSON.stringify({ level: "error", msg: "last_used flush failed", error: String(error) }),
      );
      await this.#scheduleFlush();
      return;
    }
    for (const [keyId, at] of pending) {
      if (this.#unflushedLastUsed.get(keyId) === at) this.#unflushedLastUsed.delete(keyId);
    }
  }

  /** Token bucket of `limit` per minute; returns seconds to wait, 0 when the request may pass. */
  #take(keyId: string, now: number, limitPerMinute: number): number {
    const ratePerMs = limitPerMinute / 60_000;
    const bucket = this.#buckets.get(keyId) ?? { tokens: limitPerMinute, updatedAt: now };
    bucket.tokens = Math.min(
      limitPerMinute,
      bucket.tokens + Math.max(0, now - bucket.updatedAt) * ratePerMs,
    );
    bucket.updatedAt = now;
    this.#buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }

  #recordUse(keyId: string, now: number): void {
    const previous = this.#unflushedLastUsed.get(keyId) ?? 0;
    this.#unflushedLastUsed.set(keyId, Math.max(previous, now));
    if (!this.#flushScheduled) void this.#scheduleFlush();
  }

  async #scheduleFlush(): Promise<void> {
    this.#flushScheduled = true;
    await this.ctx.storage.setAlarm(Date.now() + LAST_USED_FLUSH_MS);
  }

  #write(key: AuthorityKey): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO keys (key_id, hash, environment, scopes, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key_id) DO UPDATE SET hash = excluded.hash, environment = excluded.environment,
         scopes = excluded.scopes, expires_at = excluded.expires_at, revoked_at = excluded.revoked_at`,
      key.keyId,
      key.hash,
      key.environment,
      JSON.stringify(key.scopes),
      key.expiresAt,
      key.revokedAt,
    );
    this.#keys.set(key.keyId, key);
  }

  #remove(keyId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM keys WHERE key_id = ?", keyId);
    this.#keys.delete(keyId);
  }

  #fromRow(row: Record<string, string | number | null>): AuthorityKey {
    return {
      keyId: String(row.key_id),
      hash: String(row.hash),
      environment: row.environment === "test" ? "test" : "production",
      scopes: JSON.parse(String(row.scopes)) as Scope[],
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    };
  }
}

export const authorityFor = (env: Env, accountId: string) =>
  env.KEY_AUTHORITY.get(env.KEY_AUTHORITY.idFromName(accountId));
