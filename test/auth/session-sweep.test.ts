import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { call, signup } from "../helpers";

const runCron = () =>
  worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }),
    env,
  );

const count = async (query: string, ...bindings: unknown[]) =>
  (
    await env.DB.prepare(query)
      .bind(...bindings)
      .first<{ n: number }>()
  )?.n;

describe("the daily cron", () => {
  it("deletes expired sessions and keeps live ones", async () => {
    const expired = await signup();
    const live = await signup();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1_000, expired.userId)
      .run();
    await runCron();
    const sessionsOf = (userId: string) =>
      count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", userId);
    expect(await sessionsOf(expired.userId)).toBe(0);
    expect(await sessionsOf(live.userId)).toBe(1);
    expect((await call("/v1/me", { cookie: live.cookie })).status).toBe(200);
  });

  it("deletes notices past RETENTION_DAYS and audit events past AUDIT_RETENTION_DAYS", async () => {
    const admin = await signup();
    const day = 86_400_000;
    const insertNotice = (id: string, at: number) =>
      env.DB.prepare(
        "INSERT INTO notifications (id, account_id, endpoint_id, type, message, created_at) VALUES (?, ?, 'we_x', 'endpoint.failed', 'm', ?)",
      )
        .bind(id, admin.accountId, at)
        .run();
    const insertAudit = (id: string, at: number) =>
      env.DB.prepare(
        "INSERT INTO audit_events (id, account_id, actor_user_id, action, target_type, target_id, metadata, created_at) VALUES (?, ?, NULL, 'api_key.created', 'api_key', 'key_x', '{}', ?)",
      )
        .bind(id, admin.accountId, at)
        .run();
    await insertNotice(`ntf_old${admin.accountId}`, Date.now() - 31 * day);
    await insertNotice(`ntf_new${admin.accountId}`, Date.now() - 29 * day);
    await insertAudit(`aud_old${admin.accountId}`, Date.now() - 366 * day);
    await insertAudit(`aud_new${admin.accountId}`, Date.now() - 300 * day);
    await runCron();
    const ids = async (table: string) =>
      (
        await env.DB.prepare(`SELECT id FROM ${table} WHERE account_id = ? ORDER BY id`)
          .bind(admin.accountId)
          .all<{ id: string }>()
      ).results.map((row) => row.id.slice(0, 7));
    expect(await ids("notifications")).toEqual(["ntf_new"]);
    expect(await ids("audit_events")).toEqual(["aud_new"]);
  });
});
