import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type Notification, notifications, users } from "../db/schema";
import { toIso } from "../lib/time";
import type { Mailer } from "./mailer";

export type AlertType = Notification["type"];

const SUBJECTS: Record<AlertType, string> = {
  "endpoint.failed": "Webhook endpoint failing: deliveries paused",
  "endpoint.disabled": "Webhook endpoint disabled",
  "endpoint.recovered": "Webhook endpoint recovered",
};

/**
 * One record and one email per endpoint state transition (never per attempt). The record is
 * written first: the dashboard notice must not depend on the mail provider being up.
 */
export async function alertAdmins(
  db: Database,
  mailer: Mailer,
  alert: {
    id: string;
    accountId: string;
    endpointId: string;
    url: string;
    type: AlertType;
    detail: string;
    at: number;
  },
): Promise<void> {
  const message = `${SUBJECTS[alert.type]} — ${alert.url}: ${alert.detail}`;
  await db
    .insert(notifications)
    .values({
      id: alert.id,
      accountId: alert.accountId,
      endpointId: alert.endpointId,
      type: alert.type,
      message,
      createdAt: alert.at,
    })
    .onConflictDoNothing();
  const admins = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.accountId, alert.accountId), eq(users.role, "admin")));
  if (admins.length === 0) return;
  try {
    await mailer.send({
      to: admins.map((admin) => admin.email),
      subject: SUBJECTS[alert.type],
      text: message,
    });
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "alert mail failed",
        endpoint_id: alert.endpointId,
        error: String(error),
      }),
    );
  }
}

export function listNotifications(db: Database, accountId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.accountId, accountId),
        cursor ? lt(notifications.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(limit + 1);
}

export const notificationResource = (row: Notification) => ({
  id: row.id,
  type: row.type,
  endpoint_id: row.endpointId,
  message: row.message,
  created_at: toIso(row.createdAt),
});
