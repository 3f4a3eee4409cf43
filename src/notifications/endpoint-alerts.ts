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
  "endpoint.backlog_warning": "Webhook endpoint backlog growing",
};

export interface Alert {
  id: string;
  accountId: string;
  endpointId: string;
  url: string;
  type: AlertType;
  detail: string;
  at: number;
}

const alertText = (alert: Alert) => `${SUBJECTS[alert.type]} — ${alert.url}: ${alert.detail}`;

/**
 * One record per endpoint state transition (never per attempt), idempotent on the notice id so
 * a retried notice never shows twice. Written before the e-mail: the dashboard notice must not
 * depend on the mail provider being up.
 */
export async function recordAlert(db: Database, alert: Alert): Promise<void> {
  await db
    .insert(notifications)
    .values({
      id: alert.id,
      accountId: alert.accountId,
      endpointId: alert.endpointId,
      type: alert.type,
      message: alertText(alert),
      createdAt: alert.at,
    })
    .onConflictDoNothing();
}

/** One e-mail to the account's admins; throws when the provider fails (the caller retries). */
export async function mailAlert(db: Database, mailer: Mailer, alert: Alert): Promise<void> {
  const admins = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.accountId, alert.accountId), eq(users.role, "admin")));
  if (admins.length === 0) return;
  await mailer.send({
    to: admins.map((admin) => admin.email),
    subject: SUBJECTS[alert.type],
    text: alertText(alert),
  });
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
