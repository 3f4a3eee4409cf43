import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { call, signup } from "../helpers";

describe("the daily cron", () => {
  it("deletes expired sessions and keeps live ones", async () => {
    const expired = await signup();
    const live = await signup();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1_000, expired.userId)
      .run();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }),
      env,
    );
    const count = (userId: string) =>
      env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
        .bind(userId)
        .first<{ n: number }>();
    expect((await count(expired.userId))?.n).toBe(0);
    expect((await count(live.userId))?.n).toBe(1);
    expect((await call("/v1/me", { cookie: live.cookie })).status).toBe(200);
  });
});
