import { and, eq } from "drizzle-orm";
import { ApiError } from "../errors";
import { idempotency } from "../storage/account/schema";
import type { LedgerDb } from "./db";
import { IDEMPOTENCY_TTL_MS } from "./retention";

export interface IdempotencyClaim {
  key: string;
  /** sha256 of method, path and body: the same key with another request is a conflict. */
  requestHash: string;
}

export interface StoredResponse {
  status: number;
  body: string;
}

/**
 * Stripe-style `Idempotency-Key`, per account and mode, for 24 hours. The first response is
 * stored in the same transaction as what the request changed, so a retry after any failure either
 * finds nothing (nothing happened: run again) or the full first answer (never a second message or
 * a new event id). The object runs one operation at a time, so no "in progress" state is needed.
 */
export function findStored(
  db: LedgerDb,
  livemode: boolean,
  claim: IdempotencyClaim,
  now: number,
): StoredResponse | null {
  const row = db
    .select()
    .from(idempotency)
    .where(and(eq(idempotency.livemode, livemode), eq(idempotency.key, claim.key)))
    .get();
  if (!row || row.createdAt < now - IDEMPOTENCY_TTL_MS) return null;
  if (row.requestHash !== claim.requestHash) {
    throw new ApiError(
      "idempotency_conflict",
      "This Idempotency-Key was already used with a different request.",
    );
  }
  return { status: row.status, body: row.body };
}

export function store(
  db: LedgerDb,
  livemode: boolean,
  claim: IdempotencyClaim,
  response: StoredResponse,
  now: number,
): void {
  const row = {
    livemode,
    key: claim.key,
    requestHash: claim.requestHash,
    ...response,
    createdAt: now,
  };
  db.insert(idempotency)
    .values(row)
    .onConflictDoUpdate({ target: [idempotency.livemode, idempotency.key], set: row })
    .run();
}
