import { lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { calls, idempotencyKeys, messages } from "../db/schema";
import { pruneEvents } from "../delivery/events-store";
import { IDEMPOTENCY_TTL_MS } from "../http/idempotency";

/**
 * The daily sweep of high-volume D1 records (SPEC §11): events, messages and calls older than the
 * retention period, and idempotency keys older than their 24 hours.
 */
export async function sweepRetention(db: Database, now: number, retentionDays: number) {
  const cutoff = now - retentionDays * 86_400_000;
  const events = await pruneEvents(db, cutoff);
  const [oldMessages, oldCalls, oldKeys] = await Promise.all([
    db.delete(messages).where(lt(messages.createdAt, cutoff)).returning({ id: messages.id }),
    db.delete(calls).where(lt(calls.createdAt, cutoff)).returning({ id: calls.id }),
    db
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS))
      .returning({ key: idempotencyKeys.key }),
  ]);
  return {
    events,
    messages: oldMessages.length,
    calls: oldCalls.length,
    idempotency_keys: oldKeys.length,
  };
}
