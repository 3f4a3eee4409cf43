import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { ApiError } from "../errors";

/**
 * Per-account limits that hold under concurrency: the row is inserted and, in the same D1 batch
 * (one transaction), deleted again when its scope now holds more than `limit` rows. Two creates
 * racing past a separate count-then-insert can both pass; these cannot, and a refused create
 * leaves nothing behind.
 *
 * @example
 * const [, refused] = await db.batch([
 *   db.insert(phoneNumbers).values(row),
 *   db.delete(phoneNumbers)
 *     .where(and(eq(phoneNumbers.id, row.id), overLimit(phoneNumbers, phoneNumbers.accountId, accountId, limit)))
 *     .returning({ id: phoneNumbers.id }),
 * ]);
 * if (refused.length > 0) throw limitReached("phone numbers", limit, "MAX_PHONE_NUMBERS_PER_ACCOUNT");
 */
export const overLimit = (
  table: SQLiteTable,
  scope: SQLiteColumn,
  value: string,
  limit: number,
): SQL => sql`(SELECT count(*) FROM ${table} WHERE ${scope} = ${value}) > ${limit}`;

/** The one error every per-account limit answers (`422 limit_reached`, `details.limit`). */
export const limitReached = (what: string, limit: number, variable: string, hint = "") =>
  new ApiError(
    "limit_reached",
    `An account may have at most ${limit} ${what} (${variable})${hint ? `; ${hint}` : ""}.`,
    { details: { limit } },
  );
