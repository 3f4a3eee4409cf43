import type { Config } from "../config";
import type { EventEnvelope, EventType } from "../events/catalog";
import type { IdGenerator } from "../services";
import type { LedgerDb } from "./db";

/**
 * What one ledger operation runs with: the object's database (inside a transaction when the
 * operation changes anything), the account it serves, the request's clock reading and an `emit`
 * that appends an event to the outbox in that same transaction.
 */
export interface LedgerContext {
  db: LedgerDb;
  accountId: string;
  livemode: boolean;
  now: number;
  ids: IdGenerator;
  config: Config;
  emit(type: EventType, data: unknown): EventEnvelope;
}
