import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof database>;

export const database = (d1: D1Database) => drizzle(d1, { schema });

/** D1 reports constraint violations only through the message text. */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Error &&
  /UNIQUE constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`);
