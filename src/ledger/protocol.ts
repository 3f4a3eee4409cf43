import type { ApiError } from "../errors";
import type { IdempotencyClaim } from "./idempotency";
import type { OpInput, OpName } from "./operations";

/**
 * What the worker and the account object say to each other for one API operation: who asks (a
 * key the object checks itself, or a session the worker verified), what, and the answer, which
 * is plain data so it crosses the RPC boundary (errors included: classes do not).
 */
/** How a caller proved itself; sessions were verified by the worker (D1), keys are checked here. */
export type LedgerCredential =
  | { kind: "api_key"; keyId: string; hash: string; limitPerMinute: number }
  | { kind: "session"; livemode: boolean; bothModes: boolean }
  /**
   * An ancestor account's API key acting here (`Switchboard-Account`): its own account object
   * already checked it; it acts with its scopes and mode.
   */
  | { kind: "delegated"; keyId: string; livemode: boolean; scopes: string[] };

export interface LedgerRequest<N extends OpName> {
  accountId: string;
  credential: LedgerCredential;
  now: number;
  op: N;
  input: OpInput<N>;
  idempotency?: IdempotencyClaim | undefined;
}

export type LedgerError = {
  code: ApiError["code"];
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
};
export type LedgerResponse =
  | { ok: true; status: number; body: string; replayed: boolean; livemode: boolean }
  | { ok: false; error: LedgerError };

export const toLedgerError = (error: ApiError): LedgerError => ({
  code: error.code,
  message: error.message,
  ...(error.details === undefined ? {} : { details: error.details }),
  ...(Object.keys(error.headers).length ? { headers: error.headers } : {}),
});
