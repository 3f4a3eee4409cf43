import { and, desc, eq, lt } from "drizzle-orm";
import { twilioSettings } from "../carrier/twilio";
import { twilioOwnsNumber } from "../carrier/twilio-numbers";
import { readConfig } from "../config";
import { type Database, isUniqueViolation } from "../db/client";
import { limitReached, overLimit } from "../db/limits";
import { type PhoneNumber, phoneNumbers } from "../db/schema";
import { accountObject } from "../durable/stubs";
import { ApiError, notFound } from "../errors";
import { toIso } from "../lib/time";
import type { Services } from "../services";

export const phoneNumberResource = (row: PhoneNumber) => ({
  id: row.id,
  number: row.number,
  livemode: row.livemode,
  account_id: row.accountId,
  created_at: toIso(row.createdAt),
});

const objectUnavailable = () =>
  new ApiError("unavailable", "The account's data is briefly unavailable; retry shortly.", {
    headers: { "Retry-After": "1" },
  });

/**
 * Gives `number` to the account in one mode. D1's unique index decides who owns a number (so
 * two accounts can never both hold it); the account object gets a mirror so sends check their
 * `from` without leaving it. A live number must exist in the Twilio account when Twilio is
 * configured. At most MAX_PHONE_NUMBERS_PER_ACCOUNT, both modes together. All or nothing: a
 * failed mirror push removes the D1 row again.
 */
export async function addPhoneNumber(
  deps: { db: Database; env: Env; services: Services },
  accountId: string,
  number: string,
  livemode: boolean,
): Promise<PhoneNumber> {
  const settings = livemode ? twilioSettings(deps.env) : null;
  if (settings && !(await twilioOwnsNumber(settings, number))) {
    throw new ApiError(
      "number_not_in_carrier",
      `${number} is not a number of the configured Twilio account; buy or port it there first.`,
      { details: { number } },
    );
  }
  const row: PhoneNumber = {
    id: deps.services.ids.next("pn"),
    accountId,
    number,
    livemode,
    createdAt: deps.services.clock.now(),
  };
  const limit = readConfig(deps.env).maxPhoneNumbersPerAccount;
  let refused: { id: string }[];
  try {
    // Insert and count in one D1 transaction (as webhook endpoints do): one too many leaves in
    // the same batch, so concurrent claims cannot pass the limit together.
    [, refused] = await deps.db.batch([
      deps.db.insert(phoneNumbers).values(row),
      deps.db
        .delete(phoneNumbers)
        .where(
          and(
            eq(phoneNumbers.id, row.id),
            overLimit(phoneNumbers, phoneNumbers.accountId, accountId, limit),
          ),
        )
        .returning({ id: phoneNumbers.id }),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Whose it is stays unsaid: another tenant's numbers are not this caller's business.
    throw new ApiError("number_taken", `${number} is already in use in this mode.`);
  }
  if (refused.length > 0) {
    throw limitReached(
      "phone numbers",
      limit,
      "MAX_PHONE_NUMBERS_PER_ACCOUNT",
      "release one first",
    );
  }
  const object = accountObject(deps.env, accountId);
  try {
    await object.addNumber(accountId, {
      id: row.id,
      livemode: row.livemode,
      number: row.number,
      createdAt: row.createdAt,
    });
  } catch {
    await deps.db.delete(phoneNumbers).where(eq(phoneNumbers.id, row.id));
    // The push may have landed before the answer was lost: the mirror must not keep a number
    // D1 has just freed for another account.
    await object.removeNumber(accountId, row.id).catch(() => undefined);
    throw objectUnavailable();
  }
  return row;
}

/** The object forgets the number first, so it never keeps sending from a number D1 freed. */
export async function removePhoneNumber(
  deps: { db: Database; env: Env },
  accountId: string,
  id: string,
  livemode: boolean | undefined,
): Promise<PhoneNumber> {
  const row = await findPhoneNumber(deps.db, accountId, id, livemode);
  try {
    await accountObject(deps.env, accountId).removeNumber(accountId, id);
  } catch {
    throw objectUnavailable();
  }
  await deps.db.delete(phoneNumbers).where(eq(phoneNumbers.id, id));
  return row;
}

export async function findPhoneNumber(
  db: Database,
  accountId: string,
  id: string,
  livemode: boolean | undefined,
): Promise<PhoneNumber> {
  const rows = await db
    .select()
    .from(phoneNumbers)
    .where(
      and(
        eq(phoneNumbers.id, id),
        eq(phoneNumbers.accountId, accountId),
        livemode === undefined ? undefined : eq(phoneNumbers.livemode, livemode),
      ),
    )
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound("phone number");
  return row;
}

export const listPhoneNumbers = (
  db: Database,
  accountId: string,
  livemode: boolean | undefined,
  limit: number,
  cursor?: string,
) =>
  db
    .select()
    .from(phoneNumbers)
    .where(
      and(
        eq(phoneNumbers.accountId, accountId),
        livemode === undefined ? undefined : eq(phoneNumbers.livemode, livemode),
        cursor ? lt(phoneNumbers.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(phoneNumbers.id))
    .limit(limit + 1);

/** Who owns a live number: how carrier callbacks find their account (never a guess). */
export async function liveOwnerOf(db: Database, number: string): Promise<string | null> {
  const rows = await db
    .select({ accountId: phoneNumbers.accountId })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.livemode, true), eq(phoneNumbers.number, number)))
    .limit(1);
  return rows[0]?.accountId ?? null;
}
