import { eq } from "drizzle-orm";
import { meta } from "../storage/account/schema";
import type { LedgerDb } from "./db";

/** What HELP/INFO answer when the account has not set its own text (carriers require a reply). */
export const DEFAULT_HELP_TEXT =
  "Reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.";

/**
 * Account settings the ledger acts on, pushed by the control plane (D1 holds the truth): the
 * HELP reply, and the parent account that events are forwarded to.
 */
export function helpText(db: LedgerDb): string {
  const row = db.select().from(meta).where(eq(meta.key, "help_text")).get();
  return typeof row?.value === "string" && row.value !== "" ? row.value : DEFAULT_HELP_TEXT;
}

export function setMeta(db: LedgerDb, key: string, value: string | null): void {
  if (value === null) {
    db.delete(meta).where(eq(meta.key, key)).run();
    return;
  }
  db.insert(meta)
    .values({ key, value })
    .onConflictDoUpdate({ target: meta.key, set: { value } })
    .run();
}

export function metaString(db: LedgerDb, key: string): string | null {
  const row = db.select().from(meta).where(eq(meta.key, key)).get();
  return typeof row?.value === "string" ? row.value : null;
}
