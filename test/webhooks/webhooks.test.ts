import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { call, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { newReceiver } from "../support/receiver";

async function createWebhook(
  auth: { cookie?: string; bearer?: string },
  body: Record<string, unknown>,
) {
  const response = await call("/v1/webhooks", { ...auth, body });
  expect(response.status).toBe(201);
  return json(response);
}

describe("webhook endpoints", () => {
  it("creates with a generated whsec_ secret and lists, gets, updates and deletes", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { scopes: ["webhooks:read", "webhooks:write"] });
    const created = await createWebhook(
      { bearer: key },
      {
        url: "https://hooks.example.com/switchboard",
        events: ["message.delivered", "message.received"],
        description: "CRM",
      },
    );
    expect(created).toMatchObject({
      url: "https://hooks.example.com/switchboard",
      events: ["message.delivered", "message.received"],
      description: "CRM",
      active: true,
      status: "active",
      pending_count: 0,
      last_success_at: null,
      last_failure_at: null,
      last_error: null,
      has_client_secret: false,
      source: "api",
    });
    expect(created.id).toMatch(/^we_/);
    expect(created.secret).toMatch(/^whsec_/);

    const list = await json(await call("/v1/webhooks", { bearer: key }));
    expect(list.data.map((item: { id: string }) => item.id)).toEqual([created.id]);
    expect(list.data[0]).not.toHaveProperty("secret");

    const fetched = await json(await call(`/v1/webhooks/${created.id}`, { cookie: admin.cookie }));
    expect(fetched.id).toBe(created.id);
    expect(fetched).not.toHaveProperty("secret");

    const patched = await json(
      await call(`/v1/webhooks/${created.id}`, {
        method: "PATCH",
        bearer: key,
        body: { events: ["contact.opted_out"], active: false, client_secret: "their-token" },
      }),
    );
    expect(patched).toMatchObject({
      events: ["contact.opted_out"],
      active: false,
      status: "disabled",
      has_client_secret: true,
    });
    const reactivated = await json(
      await call(`/v1/webhooks/${created.id}`, {
        method: "PATCH",
        bearer: key,
        body: { active: true },
      }),
    );
    expect(reactivated.status).toBe("active");

    const deleted = await call(`/v1/webhooks/${created.id}`, { method: "DELETE", bearer: key });
    expect(await json(deleted)).toEqual({ id: created.id, deleted: true });
    await expectError(await call(`/v1/webhooks/${created.id}`, { bearer: key }), 404);
  });

  it("keeps a user-given secret and reveals the secret to writers only", async () => {
    const admin = await signup();
    const created = await createWebhook(
      { cookie: admin.cookie },
      {
        url: "https://example.com/h",
        events: ["message.sent"],
        secret: "textus-HOTh4kXxHIbYst0xutpkdw",
      },
    );
    expect(created.secret).toBe("textus-HOTh4kXxHIbYst0xutpkdw");
    expect(created.source).toBe("dashboard");
    const revealed = await json(
      await call(`/v1/webhooks/${created.id}/secret`, { cookie: admin.cookie }),
    );
    expect(revealed).toEqual({
      secret: "textus-HOTh4kXxHIbYst0xutpkdw",
      // The whsec_ form a Standard Webhooks library verifies with by default.
      standard_secret: `whsec_${btoa("textus-HOTh4kXxHIbYst0xutpkdw")}`,
      previous_secret_expires_at: null,
    });
    const { key: reader } = await createApiKey(admin, { scopes: ["webhooks:read"] });
    await expectError(
      await call(`/v1/webhooks/${created.id}/secret`, { bearer: reader }),
      403,
      "insufficient_scope",
    );
  });

  it("test button: delivers a signed sample to a real local server and reports the response", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200], body: "thanks" });
    const created = await createWebhook(
      { cookie: admin.cookie },
      { url: receiver.url, events: ["message.delivered"], client_secret: "client-abc" },
    );
    const response = await call(`/v1/webhooks/${created.id}/test`, {
      cookie: admin.cookie,
      body: { event_type: "message.delivered" },
    });
    expect(response.status).toBe(200);
    const result = await json(response);
    expect(result).toMatchObject({
      ok: true,
      status_code: 200,
      response_body: "thanks",
      error: null,
    });
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);

    const [delivery] = await receiver.received();
    expect(delivery).toBeDefined();
    const payload = JSON.parse(delivery!.body);
    expect(Object.keys(payload)).toEqual([
      "id",
      "type",
      "created_at",
      "account_id",
      "parent_account_id",
      "livemode",
      "data",
    ]);
    expect(payload).toMatchObject({
      id: result.event_id,
      type: "message.delivered",
      account_id: admin.accountId,
      livemode: true,
    });
    expect(new Webhook(created.secret).verify(delivery!.body, delivery!.headers)).toEqual(payload);
    expect(delivery!.headers["x-switchboard-signature"]).toBe(
      createHmac("sha256", created.secret).update(delivery!.body).digest("hex"),
    );
    expect(delivery!.headers.authorization).toBe("Bearer client-abc");
    expect(delivery!.headers["user-agent"]).toMatch(/Switchboard/);
    expect(delivery!.headers["content-type"]).toBe("application/json");
  });

  it("test button: a failing endpoint is ok:false with its status and body, not an API error", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [500], body: "boom".repeat(400) });
    const created = await createWebhook(
      { cookie: admin.cookie },
      { url: receiver.url, events: ["message.failed"] },
    );
    const result = await json(
      await call(`/v1/webhooks/${created.id}/test`, {
        cookie: admin.cookie,
        body: { event_type: "message.failed" },
      }),
    );
    expect(result).toMatchObject({ ok: false, status_code: 500, error: "HTTP 500" });
    expect(new TextEncoder().encode(result.response_body).byteLength).toBe(1024);
  });

  it("test button: an unreachable endpoint is ok:false with the reason", async () => {
    const admin = await signup();
    const created = await createWebhook(
      { cookie: admin.cookie },
      { url: "http://127.0.0.1:9/nothing-listens", events: ["message.sent"] },
    );
    const result = await json(
      await call(`/v1/webhooks/${created.id}/test`, {
        cookie: admin.cookie,
        body: { event_type: "message.sent" },
      }),
    );
    expect(result).toMatchObject({ ok: false, status_code: null });
    expect(result.error).toMatch(/Connection failed|Timed out/);
  });

  it("test keys send samples flagged livemode false", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const receiver = await newReceiver();
    const created = await createWebhook(
      { bearer: key },
      { url: receiver.url, events: ["contact.created"] },
    );
    await call(`/v1/webhooks/${created.id}/test`, {
      bearer: key,
      body: { event_type: "contact.created" },
    });
    const [delivery] = await receiver.received();
    expect(JSON.parse(delivery!.body).livemode).toBe(false);
  });

  it("rotate-secret with a grace period signs with both secrets; each verifies", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const created = await createWebhook(
      { cookie: admin.cookie },
      { url: receiver.url, events: ["message.sent"] },
    );
    const rotated = await json(
      await call(`/v1/webhooks/${created.id}/rotate-secret`, {
        cookie: admin.cookie,
        body: { grace_period_seconds: 3600 },
      }),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const revealed = await json(
      await call(`/v1/webhooks/${created.id}/secret`, { cookie: admin.cookie }),
    );
    expect(revealed.secret).toBe(rotated.secret);
    expect(Date.parse(revealed.previous_secret_expires_at)).toBeGreaterThan(Date.now() + 3_500_000);

    await call(`/v1/webhooks/${created.id}/test`, {
      cookie: admin.cookie,
      body: { event_type: "message.sent" },
    });
    const [delivery] = await receiver.received();
    expect(delivery!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(created.secret).verify(delivery!.body, delivery!.headers)).toBeTruthy();
    expect(new Webhook(rotated.secret).verify(delivery!.body, delivery!.headers)).toBeTruthy();
  });

  it("rotate-secret with grace 0 switches at once", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const created = await createWebhook(
      { cookie: admin.cookie },
      { url: receiver.url, events: ["message.sent"] },
    );
    const rotated = await json(
      await call(`/v1/webhooks/${created.id}/rotate-secret`, {
        cookie: admin.cookie,
        body: { grace_period_seconds: 0 },
      }),
    );
    await call(`/v1/webhooks/${created.id}/test`, {
      cookie: admin.cookie,
      body: { event_type: "message.sent" },
    });
    const [delivery] = await receiver.received();
    expect(delivery!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(new Webhook(rotated.secret).verify(delivery!.body, delivery!.headers)).toBeTruthy();
    expect(() => new Webhook(created.secret).verify(delivery!.body, delivery!.headers)).toThrow();
  });
});

describe("event catalog", () => {
  it("lists every event type with a description, a data schema and a sample", async () => {
    const response = await call("/v1/event-types");
    expect(response.status).toBe(200);
    const catalog = await json(response);
    expect(catalog.data.map((entry: { type: string }) => entry.type)).toEqual([
      "message.sent",
      "message.delivered",
      "message.failed",
      "message.unknown",
      "message.received",
      "phone_call.completed",
      "contact.created",
      "contact.opted_out",
      "contact.opted_in",
      "contact.tag_changed",
      "endpoint.failed",
      "endpoint.recovered",
      "endpoint.disabled",
      "endpoint.backlog_warning",
    ]);
    for (const entry of catalog.data) {
      expect(entry.description.length).toBeGreaterThan(10);
      expect(entry.data_schema.type).toBe("object");
      expect(entry.sample).toMatchObject({ type: entry.type, livemode: true });
    }
  });
});
