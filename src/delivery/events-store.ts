import { and, desc, eq, gte, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { events, type StoredEvent } from "../db/schema";

/**
 * The only code that touches stored events. Keeping it behind these functions is what lets events
 * move from the shared D1 database to per-account Durable Object storage when volume demands.
 */
export function insertEvent(db: Database, event: StoredEvent) {
  return db.insert(events).values(event).onConflictDoNothing();
}

export async function findEvent(
  db: Database,
  accountId: string,
  id: string,
): Promise<StoredEvent | null> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), eq(events.accountId, accountId)))
    .limit(1);
  return rows[0] ?? null;
}

export function listEvents(
  db: Database,
  accountId: string,
  filter: { type?: string | undefined; livemode?: boolean | undefined },
  limit: number,
  cursor?: string,
) {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.accountId, accountId),
        filter.type ? eq(events.type, filter.type) : undefined,
        filter.livemode === undefined ? undefined : eq(events.livemode, filter.livemode),
        cursor ? lt(events.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(limit + 1);
}

/** Oldest first, for replay; bounded so one request cannot load an account's whole history. */
export function eventsSince(
  db: Database,
  accountId: string,
  since: number,
  types: string[],
  max: number,
) {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.accountId, accountId),
        gte(events.createdAt, since),
        inArray(events.type, types),
      ),
    )
    .orderBy(events.id)
    .limit(max);
}

export async function pruneEvents(db: Database, olderThan: number): Promise<number> {
  const deleted = await db
    .delete(events)
    .where(lt(events.createdAt, olderThan))
    .returning({ id: events.id });
  return deleted.length;
}
