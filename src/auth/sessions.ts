import { and, eq, gt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type Account, accounts, sessions, type User, users } from "../db/schema";
import { randomBytes, sha256Hex } from "../lib/crypto";
import { toBase64Url } from "../lib/encoding";
import type { Services } from "../services";

export const SESSION_COOKIE = "sb_session";

export interface SessionContext {
  sessionId: string;
  user: User;
  account: Account;
  expiresAt: number;
}

/** Only the SHA-256 of a session token is stored, so a database dump cannot be replayed. */
const hashToken = (token: string) => sha256Hex(token);

export function newSessionToken(): string {
  return `sbs_${toBase64Url(randomBytes(32))}`;
}

export async function sessionInsert(
  db: Database,
  services: Services,
  user: Pick<User, "id" | "accountId">,
  token: string,
  ttlSeconds: number,
) {
  const now = services.clock.now();
  const expiresAt = now + ttlSeconds * 1000;
  return {
    expiresAt,
    statement: db.insert(sessions).values({
      id: services.ids.next("sess"),
      tokenHash: await hashToken(token),
      userId: user.id,
      accountId: user.accountId,
      createdAt: now,
      expiresAt,
    }),
  };
}

export async function findSession(
  db: Database,
  token: string,
  now: number,
): Promise<SessionContext | null> {
  if (!/^sbs_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const rows = await db
    .select({ session: sessions, user: users, account: accounts })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(and(eq(sessions.tokenHash, await hashToken(token)), gt(sessions.expiresAt, now)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  return {
    sessionId: row.session.id,
    user: row.user,
    account: row.account,
    expiresAt: row.session.expiresAt,
  };
}

export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
