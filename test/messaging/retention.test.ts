import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { call, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";

describe("retention", () => {
  it("the daily cron deletes events, messages and calls older than RETENTION_DAYS and keeps newer ones", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const old = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550123", body: "old" } }),
    );
    const oldCall = await json(
      await call("/v1/calls", { bearer: key, body: { to: "+15555550123" } }),
    );
    const ago = Date.now() - 31 * 86_400_000;
    await env.DB.batch([
      env.DB.prepare("UPDATE messages SET created_at = ? WHERE id = ?").bind(ago, old.id),
      env.DB.prepare("UPDATE calls SET created_at = ? WHERE id = ?").bind(ago, oldCall.id),
      env.DB.prepare("UPDATE events SET created_at = ? WHERE account_id = ?").bind(
        ago,
        admin.accountId,
      ),
    ]);
    const fresh = await json(
      await call("/v1/messages", { bearer: key, body: { to: "+15555550123", body: "new" } }),
    );

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }),
      env,
    );
    await waitOnExecutionContext(ctx);

    expect((await call(`/v1/messages/${old.id}`, { bearer: key })).status).toBe(404);
    expect((await call(`/v1/calls/${oldCall.id}`, { bearer: key })).status).toBe(404);
    expect((await call(`/v1/messages/${fresh.id}`, { bearer: key })).status).toBe(200);
    const events = await json(await call("/v1/events", { bearer: key }));
    expect(events.data.map((e: { data: { id: string } }) => e.data.id)).toEqual([fresh.id]);
  });
});
