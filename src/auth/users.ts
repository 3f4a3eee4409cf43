import { and, desc, eq, lt, sql } from "drizzle-orm";
import { type Database, isUniqueViolation } from "../db/client";
import { type Role, sessions, type User, users } from "../db/schema";
import { ApiError, notFound } from "../errors";
import type { Services } from "../services";
import { normalizeEmail } from "./accounts";
import { hashPassword } from "./passwords";

export async function addUser(
  db: Database,
  services: Services,
  accountId: string,
  input: { email: string; role: Role; password: string },
): Promise<User> {
  const now = services.clock.now();
  const user: User = {
    id: services.ids.next("usr"),
    accountId,
    email: normalizeEmail(input.email),
    passwordHash: await hashPassword(input.password),
    role: input.role,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.insert(users).values(user);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError("email_taken", "A user with this email already exists.");
    }
    throw error;
  }
  return user;
}

export async function listUsers(db: Database, accountId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), cursor ? lt(users.id, cursor) : undefined))
    .orderBy(desc(users.id))
    .limit(limit + 1);
}

export async function getUser(db: Database, accountId: string, userId: string): Promise<User> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.accountId, accountId)))
    .limit(1);
  const user = rows[0];
  if (!user) throw notFound("user");
  return user;
}

/** An account always keeps at least one admin, or nobody could manage its keys again. */
export async function changeRole(
  db: Database,
  services: Services,
  accountId: string,
  userId: string,
  role: Role,
): Promise<User> {
  const user = await getUser(db, accountId, userId);
  if (user.role === role) return user;
  const updatedAt = services.clock.now();
  // The admin count is checked inside the UPDATE so two concurrent demotions cannot both pass.
  const keepsAnAdmin =
    user.role === "admin"
      ? sql`(select count(*) from ${users} where ${users.accountId} = ${accountId} and ${users.role} = 'admin') > 1`
      : undefined;
  const updated = await db
    .update(users)
    .set({ role, updatedAt })
    .where(and(eq(users.id, user.id), keepsAnAdmin))
    .returning();
  const row = updated[0];
  if (!row) throw new ApiError("conflict", "The account's last admin cannot be demoted.");
  return row;
}

/**
 * Removes a user and every session they hold, in one batch. The last admin cannot be removed
 * (checked inside the DELETE, like demotion, so two concurrent removals cannot both pass).
 */
export async function removeUser(db: Database, accountId: string, userId: string): Promise<User> {
  const user = await getUser(db, accountId, userId);
  const keepsAnAdmin =
    user.role === "admin"
      ? sql`(select count(*) from ${users} where ${users.accountId} = ${accountId} and ${users.role} = 'admin') > 1`
      : undefined;
  // Both statements test the same condition before either deletes (one transaction), so the
  // sessions go exactly when the user goes; a refused removal keeps every session.
  const removable = keepsAnAdmin ?? sql`1 = 1`;
  const [, deleted] = await db.batch([
    db
      .delete(sessions)
      .where(and(eq(sessions.userId, user.id), eq(sessions.accountId, accountId), removable)),
    db
      .delete(users)
      .where(and(eq(users.id, user.id), removable))
      .returning({ id: users.id }),
  ]);
  if (deleted.length === 0) {
    throw new ApiError("conflict", "The account's last admin cannot be removed.");
  }
  return user;
}
