import { and, asc, eq } from "drizzle-orm";
import { ApiError } from "../errors";
import { type OwnedNumber, phoneNumbers } from "../storage/account/schema";
import type { LedgerContext } from "./context";
import type { LedgerDb } from "./db";

/**
 * The account's own phone numbers as the object mirrors them from D1 (`src/numbers/service.ts`
 * writes D1 first, which keeps a number unique across accounts, then pushes it here). A send's
 * sender is decided here, inside the same call that commits the send.
 */
export const ownedNumbers = (db: LedgerDb, livemode: boolean): OwnedNumber[] =>
  db
    .select()
    .from(phoneNumbers)
    .where(eq(phoneNumbers.livemode, livemode))
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id))
    .all();

export const ownsNumber = (db: LedgerDb, livemode: boolean, number: string): boolean =>
  db
    .select({ id: phoneNumbers.id })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.livemode, livemode), eq(phoneNumbers.number, number)))
    .get() !== undefined;

/**
 * Which number a send or call goes out from: the given `from` when the account owns it,
 * otherwise the account's first number. A test-mode account without numbers may use
 * DEFAULT_FROM_NUMBER (the simulated network's shared sender); live mode never borrows a number.
 */
export function senderFor(ctx: LedgerContext, from: string | undefined): string {
  const owned = ownedNumbers(ctx.db, ctx.livemode).map((row) => row.number);
  const usable = owned.length === 0 && !ctx.livemode ? [ctx.config.defaultFromNumber] : owned;
  if (from !== undefined) {
    if (usable.includes(from)) return from;
    throw new ApiError(
      "from_not_owned",
      `${from} is not one of this account's ${ctx.livemode ? "live" : "test"} phone numbers; add it with POST /v1/phone-numbers.`,
      { details: { from } },
    );
  }
  const first = usable[0];
  if (first === undefined) {
    throw new ApiError(
      "from_not_owned",
      "This account has no live phone number to send from; add one with POST /v1/phone-numbers.",
    );
  }
  return first;
}

/** Mirror writes; idempotent so the control plane may repeat a push that timed out. */
export function addOwnedNumber(db: LedgerDb, row: OwnedNumber): void {
  db.insert(phoneNumbers).values(row).onConflictDoNothing().run();
}

export function removeOwnedNumber(db: LedgerDb, id: string): void {
  db.delete(phoneNumbers).where(eq(phoneNumbers.id, id)).run();
}
