import type { Scope } from "../auth/scopes";
import { ApiError } from "../errors";
import { authorizationError, type KeyAuthority } from "./authority";
import type { LedgerDb } from "./db";
import { findStored, store } from "./idempotency";
import { OPERATIONS, type OpEnv, type OpName } from "./operations";
import {
  type LedgerCredential,
  type LedgerRequest,
  type LedgerResponse,
  toLedgerError,
} from "./protocol";

export interface Acting {
  livemode: boolean;
  bothModes: boolean;
}

/**
 * The credential's verdict: a session was verified by the worker; a key is checked here (live,
 * within its rate, holding the operation's scope) and acts in its own mode.
 */
export function authenticateCredential(
  keys: KeyAuthority,
  credential: LedgerCredential,
  scope: Scope,
  now: number,
): Acting {
  if (credential.kind === "session") {
    return { livemode: credential.livemode, bothModes: credential.bothModes };
  }
  const verdict =
    credential.kind === "delegated"
      ? { ok: true as const, scopes: credential.scopes, livemode: credential.livemode }
      : keys.authorize(credential.keyId, credential.hash, now, credential.limitPerMinute);
  if (!verdict.ok) throw authorizationError(verdict);
  if (!verdict.scopes.includes(scope)) {
    throw new ApiError("insufficient_scope", `This API key lacks the \`${scope}\` scope.`, {
      details: { missing_scope: scope },
    });
  }
  const livemode = "livemode" in verdict ? verdict.livemode : verdict.environment === "production";
  return { livemode, bothModes: false };
}

export interface ExecuteHost {
  db: LedgerDb;
  keys: KeyAuthority;
  /** One storage transaction (rolled back whole when `change` throws). */
  commit<T>(change: () => T): T;
  opEnv(acting: Acting, request: LedgerRequest<OpName>): OpEnv;
}

/**
 * Runs one API operation: authenticate, then for a change run it, its events and its
 * idempotency record in one commit. A stored answer for the same key is returned as it was; the
 * same key with another request is a conflict. Refusals (ApiError) come back as data.
 */
export function executeOperation(
  host: ExecuteHost,
  request: LedgerRequest<OpName>,
): LedgerResponse {
  try {
    const operation = OPERATIONS[request.op];
    const acting = authenticateCredential(
      host.keys,
      request.credential,
      operation.scope,
      request.now,
    );
    const { livemode } = acting;
    const run = () => {
      const result = operation.run(host.opEnv(acting, request), request.input as never);
      return { status: result.status, body: JSON.stringify(result.body) };
    };
    if (!operation.writes) return { ok: true, ...run(), replayed: false, livemode };
    const claim = request.idempotency;
    const stored = claim ? findStored(host.db, livemode, claim, request.now) : null;
    if (stored) return { ok: true, ...stored, replayed: true, livemode };
    try {
      const response = host.commit(() => {
        const result = run();
        if (claim) store(host.db, livemode, claim, result, request.now);
        return result;
      });
      return { ok: true, ...response, replayed: false, livemode };
    } catch (error) {
      // A refusal is an answer too: a retry with the same key gets it again (Stripe's rule).
      if (claim && error instanceof ApiError) {
        const body = JSON.stringify({ error: toLedgerError(error) });
        store(host.db, livemode, claim, { status: error.status, body }, request.now);
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: toLedgerError(error) };
    throw error;
  }
}
