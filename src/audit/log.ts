import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type AuditEvent, auditEvents } from "../db/schema";
import { toIso } from "../lib/time";
import type { Services } from "../services";

export type AuditAction = "api_key.created" | "api_key.rotated" | "api_key.revoked";

export interface Actor {
  accountId: string;
  userId: string | null;
}

/** Returns the insert so callers put it in the same D1 batch as the change it records. */
export function auditInsert(
  db: Database,
  services: Services,
  actor: Actor,
  action: AuditAction,
  target: { type: string; id: string },
  metadata: Record<string, unknown> = {},
) {
  return db.insert(auditEvents).values({
    id: services.ids.next("aud"),
    accountId: actor.accountId,
    actorUserId: actor.userId,
    action,
    targetType: target.type,
    targetId: target.id,
    metadata,
    createdAt: services.clock.now(),
  });
}

export function listAuditEvents(db: Database, accountId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(auditEvents)
    .where(
      and(eq(auditEvents.accountId, accountId), cursor ? lt(auditEvents.id, cursor) : undefined),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
}

export const auditResource = (event: AuditEvent) => ({
  id: event.id,
  action: event.action,
  actor_user_id: event.actorUserId,
  target_type: event.targetType,
  target_id: event.targetId,
  metadata: event.metadata,
  created_at: toIso(event.createdAt),
});
