import { eq, inArray } from "drizzle-orm";
import { type Database, isUniqueViolation } from "../db/client";
import { type Account, accounts, type User, users } from "../db/schema";
import { ApiError } from "../errors";
import { randomBase62 } from "../lib/encoding";
import type { Services } from "../services";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";
import { newSessionToken, sessionInsert } from "./sessions";
import { slugCandidates } from "./slugs";

export interface SignupInput {
  accountName: string;
  email: string;
  password: string;
}

export interface LoggedIn {
  user: User;
  account: Account;
  token: string;
  expiresAt: number;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function freeSlug(db: Database, name: string): Promise<string> {
  const candidates = slugCandidates(name);
  const taken = new Set(
    (
      await db
        .select({ slug: accounts.slug })
        .from(accounts)
        .where(inArray(accounts.slug, candidates))
    ).map((row) => row.slug),
  );
  return (
    candidates.find((slug) => !taken.has(slug)) ??
    `${candidates[0]}-${randomBase62(6).toLowerCase()}`
  );
}

async function emailTaken(db: Database, email: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  return rows.length > 0;
}

/** Account, first admin and first session are written in one D1 batch: all or nothing. */
export async function signup(
  db: Database,
  services: Services,
  input: SignupInput,
  sessionTtlSeconds: number,
): Promise<LoggedIn> {
  const email = normalizeEmail(input.email);
  if (await emailTaken(db, email)) {
    throw new ApiError("email_taken", "An account with this email already exists.");
  }
  const passwordHash = await hashPassword(input.password);
  const now = services.clock.now();
  const account: Account = {
    id: services.ids.next("acct"),
    name: input.accountName.trim(),
    slug: await freeSlug(db, input.accountName),
    parentAccountId: null,
    helpText: null,
    createdAt: now,
  };
  const user: User = {
    id: services.ids.next("usr"),
    accountId: account.id,
    email,
    passwordHash,
    role: "admin",
    createdAt: now,
    updatedAt: now,
  };
  const token = newSessionToken();
  const session = await sessionInsert(db, services, user, token, sessionTtlSeconds);
  // Two signups with the same account name can pick the same free slug; the loser of that race
  // retries with a random suffix. The batch is all-or-nothing, so a failed try leaves no trace.
  for (let attempt = 0; ; attempt++) {
    try {
      await db.batch([
        db.insert(accounts).values(account),
        db.insert(users).values(user),
        session.statement,
      ]);
      break;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (await emailTaken(db, email)) {
        throw new ApiError("email_taken", "An account with this email already exists.");
      }
      if (attempt >= 3) {
        throw new ApiError(
          "conflict",
          "Could not reserve a unique account slug; please try again.",
        );
      }
      account.slug = `${slugCandidates(input.accountName, 1)[0]}-${randomBase62(6).toLowerCase()}`;
    }
  }
  return { user, account, token, expiresAt: session.expiresAt };
}

export async function login(
  db: Database,
  services: Services,
  email: string,
  password: string,
  sessionTtlSeconds: number,
): Promise<LoggedIn> {
  const rows = await db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  const row = rows[0];
  if (!row) {
    await burnPasswordCheck(password);
    throw invalidCredentials();
  }
  if (!(await verifyPassword(password, row.user.passwordHash))) throw invalidCredentials();
  const token = newSessionToken();
  const session = await sessionInsert(db, services, row.user, token, sessionTtlSeconds);
  await session.statement;
  return { ...row, token, expiresAt: session.expiresAt };
}

const invalidCredentials = () =>
  new ApiError("invalid_credentials", "Email or password is incorrect.");
