import { and, count, desc, eq, lt } from "drizzle-orm";
import { type Database, isUniqueViolation } from "../db/client";
import { limitReached, overLimit } from "../db/limits";
import { type Account, accountAncestors, accounts } from "../db/schema";
import { accountObject } from "../durable/stubs";
import { ApiError, notFound } from "../errors";
import { randomBase62 } from "../lib/encoding";
import type { Services } from "../services";
import { freeSlug } from "./accounts";
import { slugCandidates } from "./slugs";

/**
 * The account tree (SPEC §2). `account_ancestors` holds every (account, ancestor) pair, written
 * once when a sub-account is created (accounts never move), so "may X act in Y" is one
 * primary-key lookup whatever the depth, and no request walks the tree.
 */
export async function isAncestor(
  db: Database,
  ancestorId: string,
  accountId: string,
): Promise<boolean> {
  const rows = await db
    .select({ depth: accountAncestors.depth })
    .from(accountAncestors)
    .where(
      and(eq(accountAncestors.accountId, accountId), eq(accountAncestors.ancestorId, ancestorId)),
    )
    .limit(1);
  return rows.length > 0;
}

export async function findAccount(db: Database, id: string): Promise<Account | null> {
  const rows = await db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
  return rows[0] ?? null;
}

/** A descendant of `ancestorId`, or 404 for anything else (never says whether it exists). */
export async function descendantOf(db: Database, ancestorId: string, id: string): Promise<Account> {
  const account = (await isAncestor(db, ancestorId, id)) ? await findAccount(db, id) : null;
  if (!account) throw notFound("account");
  return account;
}

/**
 * A sub-account of `parent`, with its own slug. Its account object learns its parent first (so
 * every event it ever has is forwarded up); then the account, its ancestry and nothing else are
 * written in one D1 batch. An object adopted for a batch that then failed serves no account.
 */
export async function createSubAccount(
  deps: { db: Database; env: Env; services: Services; maxChildren: number },
  parent: Account,
  name: string,
): Promise<Account> {
  const { db, services } = deps;
  const children = await db
    .select({ n: count() })
    .from(accounts)
    .where(eq(accounts.parentAccountId, parent.id));
  // The common refusal, before any object is adopted; the batch below decides under concurrency.
  if ((children[0]?.n ?? 0) >= deps.maxChildren) throw tooManyChildren(deps.maxChildren);
  const account: Account = {
    id: services.ids.next("acct"),
    name: name.trim(),
    slug: await freeSlug(db, name),
    parentAccountId: parent.id,
    helpText: null,
    createdAt: services.clock.now(),
  };
  try {
    await accountObject(deps.env, account.id).adopt(account.id, parent.id);
  } catch {
    throw new ApiError("unavailable", "Could not set the sub-account up; retry shortly.", {
      headers: { "Retry-After": "1" },
    });
  }
  // The parent's ancestors, one level further away, plus the parent itself (one row per level).
  const above = await db
    .select()
    .from(accountAncestors)
    .where(eq(accountAncestors.accountId, parent.id));
  const ancestry = [
    { accountId: account.id, ancestorId: parent.id, depth: 1 },
    ...above.map((row) => ({
      accountId: account.id,
      ancestorId: row.ancestorId,
      depth: row.depth + 1,
    })),
  ];
  for (let attempt = 0; ; attempt++) {
    try {
      const tooMany = overLimit(accounts, accounts.parentAccountId, parent.id, deps.maxChildren);
      const [, , , refused] = await db.batch([
        db.insert(accounts).values(account),
        db.insert(accountAncestors).values(ancestry),
        db.delete(accountAncestors).where(and(eq(accountAncestors.accountId, account.id), tooMany)),
        db
          .delete(accounts)
          .where(and(eq(accounts.id, account.id), tooMany))
          .returning({ id: accounts.id }),
      ]);
      if (refused.length > 0) throw tooManyChildren(deps.maxChildren);
      return account;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
      account.slug = `${slugCandidates(name, 1)[0]}-${randomBase62(6).toLowerCase()}`;
    }
  }
}

export const listSubAccounts = (db: Database, parentId: string, limit: number, cursor?: string) =>
  db
    .select()
    .from(accounts)
    .where(
      and(eq(accounts.parentAccountId, parentId), cursor ? lt(accounts.id, cursor) : undefined),
    )
    .orderBy(desc(accounts.id))
    .limit(limit + 1);

export async function renameAccount(db: Database, account: Account, name: string) {
  await db.update(accounts).set({ name: name.trim() }).where(eq(accounts.id, account.id));
  return { ...account, name: name.trim() };
}

export async function hasSubAccounts(db: Database, accountId: string): Promise<boolean> {
  const rows = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.parentAccountId, accountId))
    .limit(1);
  return rows.length > 0;
}

const tooManyChildren = (limit: number) =>
  limitReached("sub-accounts", limit, "MAX_SUBACCOUNTS_PER_ACCOUNT");
