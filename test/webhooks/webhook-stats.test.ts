import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectError, json, signup, type TestAccount } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";
import { securitySuite } from "../support/security";

const ownEndpoint = async (account: TestAccount) => {
  const response = await call("/v1/webhooks", {
    cookie: account.cookie,
    body: { url: "https://example.com/h", events: ["message.sent"] },
  });
  return (await json(response)).id as string;
};

securitySuite("/v1/webhooks/{id}/stats", {
  method: "GET",
  path: (id) => `/v1/webhooks/${id}/stats`,
  scope: "webhooks:read",
  setup: ownEndpoint,
});

describe("GET /v1/webhooks/{id}/stats", () => {
  it("is empty for an endpoint that has had no attempts", async () => {
    const admin = await signup();
    const id = await ownEndpoint(admin);
    const response = await call(`/v1/webhooks/${id}/stats`, { cookie: admin.cookie });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      endpoint_id: id,
      window_hours: 24,
      attempts: 0,
      succeeded: 0,
      failed: 0,
      success_rate: null,
      latency_ms: null,
      timeline: [],
    });
  });

  it("summarises real attempts: a retried failure then a success", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [504, 200, 200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      retryBaseMs: 1000,
    });
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain(); // 504: transient, will retry
    endpoint.clock.advance(60_000); // past any backoff with jitter
    await endpoint.drain(); // 200
    await publishEvent(admin.accountId, "message.sent");
    endpoint.clock.advance(10);
    await endpoint.drain(); // 200

    const response = await call(`/v1/webhooks/${endpoint.id}/stats`, { cookie: admin.cookie });
    expect(response.status).toBe(200);
    const stats = await json(response);
    expect(stats).toMatchObject({
      endpoint_id: endpoint.id,
      attempts: 3,
      succeeded: 2,
      failed: 1,
    });
    expect(stats.success_rate).toBeCloseTo(2 / 3, 10);
    expect(stats.latency_ms.p50).toBeGreaterThanOrEqual(0);
    expect(stats.latency_ms.p95).toBeGreaterThanOrEqual(stats.latency_ms.p50);
    expect(stats.timeline.map((p: { status_code: number }) => p.status_code)).toEqual([
      504, 200, 200,
    ]);
    expect(stats.timeline.map((p: { ok: boolean }) => p.ok)).toEqual([false, true, true]);
    expect(stats.timeline[0].event_type).toBe("message.sent");
    expect(Date.parse(stats.timeline[0].at)).toBeLessThan(Date.parse(stats.timeline[2].at));

    // A day later the same attempts have left the window.
    endpoint.clock.advance(24 * 3_600_000);
    const later = await json(
      await call(`/v1/webhooks/${endpoint.id}/stats`, { cookie: admin.cookie }),
    );
    expect(later).toMatchObject({
      attempts: 0,
      success_rate: null,
      latency_ms: null,
      timeline: [],
    });
  });

  it("an endpoint object whose storage was deleted reports no attempts instead of failing", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stub().health()).attempts).toBe(1);
    const health = await runInDurableObject(endpoint.stub(), async (instance) => {
      await instance.destroy();
      return instance.health();
    });
    expect(health).toMatchObject({ attempts: 0, successRate: null, timeline: [] });
  });

  it("answers 404 for an unknown endpoint and 422 for a malformed id", async () => {
    const admin = await signup();
    await expectError(
      await call("/v1/webhooks/we_doesnotexist/stats", { cookie: admin.cookie }),
      404,
      "not_found",
    );
    await expectError(
      await call(`/v1/webhooks/${"x".repeat(65)}/stats`, { cookie: admin.cookie }),
      422,
      "validation_failed",
    );
  });
});
