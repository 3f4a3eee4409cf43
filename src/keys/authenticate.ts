import type { Principal } from "../auth/principal";
import { type ConfigEnv, requirePepper } from "../config";
import type { AccountObject } from "../durable/account-object";
import { accountObject } from "../durable/stubs";
import { ApiError } from "../errors";
import { authorizationError } from "../ledger/authority";
import { hashSecret, type KeyIdentity, kvKeyFor } from "./hash";
import { parseSecret } from "./secret";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * KV entries only say which account's authority to ask, so they may be cached in the isolate: a
 * stale entry can never revive a revoked key, because the authority still decides every request.
 * Misses are not cached, so unknown secrets cannot fill the cache.
 */
const ROUTE_TTL_MS = 60_000;
const ROUTE_CACHE_MAX = 10_000;
const routes = new Map<string, { identity: KeyIdentity; until: number }>();

async function routeFor(env: Env, hash: string): Promise<KeyIdentity | null> {
  const now = Date.now();
  const cached = routes.get(hash);
  if (cached && cached.until > now) return cached.identity;
  const identity = await env.KEYS.get<KeyIdentity>(kvKeyFor(hash), "json");
  if (identity) {
    if (routes.size >= ROUTE_CACHE_MAX) routes.delete(routes.keys().next().value as string);
    routes.set(hash, { identity, until: now + ROUTE_TTL_MS });
  } else {
    routes.delete(hash);
  }
  return identity;
}

const invalidKey = () =>
  new ApiError("invalid_api_key", "Invalid API key provided.", {
    headers: { "WWW-Authenticate": 'Bearer realm="switchboard"' },
  });

/** A key whose shape, checksum and KV route are known; only its account object can say it is live. */
export interface KeyClaim {
  accountId: string;
  keyId: string;
  hash: string;
  livemode: boolean;
}

/**
 * Authorization header → which account object to ask. Shape and checksum are verified first, so
 * garbage never reaches KV or the authority; KV only says which account's authority to ask, and
 * the authority alone decides whether the key is live (KV is eventually consistent and caches
 * misses).
 */
export async function resolveKeyClaim(
  env: Env & ConfigEnv,
  authorization: string,
): Promise<KeyClaim> {
  const secret = BEARER.exec(authorization)?.[1];
  if (!secret) {
    throw new ApiError("invalid_api_key", "Send the API key as `Authorization: Bearer <key>`.", {
      headers: { "WWW-Authenticate": 'Bearer realm="switchboard"' },
    });
  }
  const claimedEnvironment = parseSecret(secret);
  if (!claimedEnvironment) throw invalidKey();
  const hash = await hashSecret(requirePepper(env), secret);
  const identity = await routeFor(env, hash);
  if (!identity || identity.environment !== claimedEnvironment) throw invalidKey();
  return {
    accountId: identity.account_id,
    keyId: identity.key_id,
    hash,
    livemode: claimedEnvironment === "production",
  };
}

/** One round trip to the account object: is the key live, within its rate, with which scopes. */
export async function authorizeClaim(
  env: Env,
  claim: KeyClaim,
  now: number,
  limitPerMinute: number,
): Promise<Principal> {
  let verdict: Awaited<ReturnType<DurableObjectStub<AccountObject>["authorize"]>>;
  try {
    verdict = await accountObject(env, claim.accountId).authorize(
      claim.keyId,
      claim.hash,
      now,
      limitPerMinute,
    );
  } catch (error) {
    // Overloaded, restarting or unreachable: the client may retry; nothing was decided.
    console.error(
      JSON.stringify({ level: "error", msg: "key authority unavailable", error: String(error) }),
    );
    throw new ApiError("unavailable", "API-key checks are briefly unavailable; retry shortly.", {
      headers: { "Retry-After": "1" },
    });
  }
  if (!verdict.ok) throw authorizationError(verdict);
  return {
    kind: "api_key",
    accountId: claim.accountId,
    keyId: verdict.keyId,
    scopes: new Set(verdict.scopes),
    livemode: verdict.environment === "production",
  };
}
