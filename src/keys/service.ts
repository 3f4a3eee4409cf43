import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import { type Actor, auditInsert } from "../audit/log";
import type { Scope } from "../auth/scopes";
import type { Database } from "../db/client";
import { type ApiKey, apiKeys } from "../db/schema";
import { accountObject as authorityFor } from "../durable/stubs";
import { ApiError, notFound } from "../errors";
import type { AuthorityKey } from "../ledger/authority";
import type { Services } from "../services";
import { hashSecret, type KeyIdentity, kvKeyFor } from "./hash";
import { displayPrefix, type Environment, generateSecret, lastFour } from "./secret";

export interface KeyDeps {
  db: Database;
  env: Env;
  services: Services;
  pepper: string;
}

export interface NewKeyInput {
  name: string;
  description?: string | undefined;
  environment: Environment;
  scopes: Scope[];
  expiresAt: number | null;
}

export interface IssuedKey {
  key: ApiKey;
  secret: string;
}

/** KV entries outlive their key by at least KV's minimum TTL, after which they vanish by themselves. */
const KV_MIN_TTL_SECONDS = 60;

async function mint(deps: KeyDeps, accountId: string, environment: Environment) {
  const secret = generateSecret(environment);
  const hash = await hashSecret(deps.pepper, secret);
  const id = deps.services.ids.next("key");
  const identity: KeyIdentity = { account_id: accountId, key_id: id, environment };
  await deps.env.KEYS.put(kvKeyFor(hash), JSON.stringify(identity));
  return { secret, hash, id };
}

function newRow(
  actor: Actor,
  minted: { id: string; secret: string },
  input: NewKeyInput,
  now: number,
  rotatedFrom: string | null,
): ApiKey {
  return {
    id: minted.id,
    accountId: actor.accountId,
    name: input.name,
    description: input.description ?? null,
    environment: input.environment,
    scopes: input.scopes,
    prefix: displayPrefix(minted.secret),
    lastFour: lastFour(minted.secret),
    createdBy: actor.userId ?? "system",
    createdAt: now,
    lastUsedAt: null,
    expiresAt: input.expiresAt,
    revokedAt: null,
    revokedBy: null,
    rotatedFrom,
  };
}

const authorityKey = (row: ApiKey, hash: string): AuthorityKey => ({
  keyId: row.id,
  hash,
  environment: row.environment,
  scopes: row.scopes as Scope[],
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

/**
 * The authority is written before D1: the security decision must never lag the metadata. If the
 * D1 write then fails, the authority change is undone and the error surfaces, so nothing half-made
 * stays usable.
 */
export async function createKey(
  deps: KeyDeps,
  actor: Actor,
  input: NewKeyInput,
): Promise<IssuedKey> {
  const now = deps.services.clock.now();
  const minted = await mint(deps, actor.accountId, input.environment);
  const row = newRow(actor, minted, input, now, null);
  const authority = authorityFor(deps.env, actor.accountId);
  await authority.register(actor.accountId, authorityKey(row, minted.hash));
  try {
    await deps.db.batch([
      deps.db.insert(apiKeys).values(row),
      auditInsert(
        deps.db,
        deps.services,
        actor,
        "api_key.created",
        { type: "api_key", id: row.id },
        {
          name: row.name,
          environment: row.environment,
          scopes: row.scopes,
        },
      ),
    ]);
  } catch (error) {
    await authority.unregister(row.id);
    await deps.env.KEYS.delete(kvKeyFor(minted.hash));
    throw error;
  }
  return { key: row, secret: minted.secret };
}

/** Live keys (including those in a rotation grace period) of the account, newest first. */
export function listKeys(
  db: Database,
  accountId: string,
  now: number,
  limit: number,
  cursor?: string,
) {
  return db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.accountId, accountId),
        or(isNull(apiKeys.revokedAt), gt(apiKeys.revokedAt, now)),
        cursor ? lt(apiKeys.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.id))
    .limit(limit + 1);
}

export async function getKey(
  db: Database,
  accountId: string,
  keyId: string,
  now: number,
): Promise<ApiKey> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.id, keyId),
        eq(apiKeys.accountId, accountId),
        or(isNull(apiKeys.revokedAt), gt(apiKeys.revokedAt, now)),
      ),
    )
    .limit(1);
  const key = rows[0];
  if (!key) throw notFound("API key");
  return key;
}

/** Listings show uses the authority has not flushed yet, so "last used" is exact. */
export async function withPendingLastUsed(
  env: Env,
  accountId: string,
  keys: ApiKey[],
): Promise<ApiKey[]> {
  if (keys.length === 0) return keys;
  const pending = await authorityFor(env, accountId).pendingLastUsed();
  return keys.map((key) => {
    const at = pending[key.id];
    return at !== undefined && at > (key.lastUsedAt ?? 0) ? { ...key, lastUsedAt: at } : key;
  });
}

export async function rotateKey(
  deps: KeyDeps,
  actor: Actor,
  keyId: string,
  graceSeconds: number,
): Promise<IssuedKey> {
  const now = deps.services.clock.now();
  const old = await getKey(deps.db, actor.accountId, keyId, now);
  if (old.revokedAt !== null) {
    throw new ApiError("conflict", "This key was already rotated; rotate its replacement instead.");
  }
  const oldEndsAt = now + graceSeconds * 1000;
  const minted = await mint(deps, actor.accountId, old.environment);
  const row = newRow(
    actor,
    minted,
    {
      name: old.name,
      description: old.description ?? undefined,
      environment: old.environment,
      scopes: old.scopes as Scope[],
      expiresAt: old.expiresAt,
    },
    now,
    old.id,
  );
  const authority = authorityFor(deps.env, actor.accountId);
  const rotated = await authority.rotate(
    actor.accountId,
    old.id,
    authorityKey(row, minted.hash),
    oldEndsAt,
  );
  if (!rotated.rotated) {
    // Another rotation of this key won the race: its replacement is the live one.
    await deps.env.KEYS.delete(kvKeyFor(minted.hash));
    throw new ApiError("conflict", "This key was already rotated; rotate its replacement instead.");
  }
  try {
    await deps.db.batch([
      deps.db.insert(apiKeys).values(row),
      deps.db
        .update(apiKeys)
        .set({ revokedAt: oldEndsAt, revokedBy: actor.userId })
        .where(eq(apiKeys.id, old.id)),
      auditInsert(
        deps.db,
        deps.services,
        actor,
        "api_key.rotated",
        { type: "api_key", id: old.id },
        {
          new_key_id: row.id,
          grace_period_seconds: graceSeconds,
        },
      ),
    ]);
  } catch (error) {
    await authority.undoRotate(old.id, row.id, rotated.previousRevokedAt);
    await deps.env.KEYS.delete(kvKeyFor(minted.hash));
    throw error;
  }
  await expireIdentity(deps.env, rotated.oldHash, old, oldEndsAt, now);
  return { key: row, secret: minted.secret };
}

/**
 * Ends a key now (also one still inside a rotation grace period). `because` lands in the audit
 * record's metadata, e.g. `{ reason: "exposed", url }` when a secret scanner found the key.
 */
export async function revokeKey(
  deps: KeyDeps,
  actor: Actor,
  keyId: string,
  because: Record<string, unknown> = {},
): Promise<ApiKey> {
  const now = deps.services.clock.now();
  const key = await getKey(deps.db, actor.accountId, keyId, now);
  const hash = await authorityFor(deps.env, actor.accountId).revoke(key.id, now);
  await deps.db.batch([
    deps.db
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: actor.userId })
      .where(eq(apiKeys.id, key.id)),
    auditInsert(
      deps.db,
      deps.services,
      actor,
      "api_key.revoked",
      { type: "api_key", id: key.id },
      { name: key.name, ...because },
    ),
  ]);
  if (hash) await deps.env.KEYS.delete(kvKeyFor(hash));
  return { ...key, revokedAt: now, revokedBy: actor.userId };
}

/** KV cleanup only; liveness never depends on it (the authority already decided). */
async function expireIdentity(
  env: Env,
  hash: string | null,
  key: ApiKey,
  endsAt: number,
  now: number,
) {
  if (!hash) return;
  if (endsAt <= now) {
    await env.KEYS.delete(kvKeyFor(hash));
    return;
  }
  const identity: KeyIdentity = {
    account_id: key.accountId,
    key_id: key.id,
    environment: key.environment,
  };
  const expiration =
    Math.ceil(Math.max(endsAt, now + KV_MIN_TTL_SECONDS * 1000) / 1000) + KV_MIN_TTL_SECONDS;
  await env.KEYS.put(kvKeyFor(hash), JSON.stringify(identity), { expiration });
}
