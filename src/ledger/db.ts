import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../storage/account/migrations";
import * as schema from "../storage/account/schema";

export type LedgerDb = DrizzleSqliteDODatabase<typeof schema>;

/**
 * Opens the account object's SQLite through drizzle and applies its generated migrations (inside
 * one transaction; drizzle skips the ones already applied). Call from `blockConcurrencyWhile`.
 */
export function openLedgerDb(storage: DurableObjectStorage): LedgerDb {
  const db = drizzle(storage, { schema });
  migrate(db, migrations);
  return db;
}

/** SQLite reports constraint violations only through the message text. */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Error && /UNIQUE constraint failed/i.test(error.message);
