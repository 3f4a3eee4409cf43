import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { call, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import { newReceiver } from "../support/receiver";

/** Seed 003's sample call body, byte for byte. */
const SEED_BODY = `{
"@type": "Integration",
"@context": "/contexts/Integration.jsonld",
"active": true,
"provider": "webhook",
"config": {
"baseUrl": "https://www.example.com/callback"
},
"settings": {
"actions": {
"message.received": true,
"message.delivered": true,
"message.failed": true,
"message.unknown": false,
"phone_call.completed": false,
"contact.opted_out": true,
"contact.opted_in": true,
"contact.created": true
}
}
}`;

/** What `curl -d` sends: the seed's JSON labelled as a form. */
const seedCurl = (path: string, token: string, body = SEED_BODY) =>
  call(path, {
    method: "POST",
    rawBody: body,
    headers: {
      accept: "application/vnd.textus+jsonld",
      authorization: `Bearer ${token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
  });

describe("TextUs-compatible Integrations API", () => {
  it("accepts seed 003's sample curl as-is and shows it in /v1/webhooks", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin);
    const response = await seedCurl(`/${admin.slug}/integrations`, key);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toMatch(/^application\/vnd\.textus\+jsonld/);
    const integration = await json(response);
    expect(integration).toMatchObject({
      "@type": "Integration",
      "@context": "/contexts/Integration.jsonld",
      "@id": `/${admin.slug}/integrations/${integration.id}`,
      active: true,
      provider: "webhook",
      config: { baseUrl: "https://www.example.com/callback" },
    });
    expect(integration.config.webhookSecret).toMatch(/^whsec_/);
    expect(integration.settings.actions).toMatchObject({
      "message.received": true,
      "message.delivered": true,
      "message.failed": true,
      "message.unknown": false,
      "phone_call.completed": false,
      "contact.opted_out": true,
      "contact.opted_in": true,
      "contact.created": true,
      "message.sent": false,
    });

    const webhook = await json(await call(`/v1/webhooks/${integration.id}`, { bearer: key }));
    expect(webhook).toMatchObject({
      url: "https://www.example.com/callback",
      source: "integrations",
    });
    expect(webhook.events).toEqual([
      "message.delivered",
      "message.failed",
      "message.received",
      "contact.created",
      "contact.opted_out",
      "contact.opted_in",
    ]);
  });

  it("serves the same API under /v1/accounts/{slug}/integrations and round-trips with /v1/webhooks", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin);
    const created = await json(await seedCurl(`/v1/accounts/${admin.slug}/integrations`, key));
    const fromWebhooks = await json(
      await call("/v1/webhooks", {
        bearer: key,
        body: { url: "https://crm.example.com/in", events: ["contact.tag_changed"] },
      }),
    );

    const list = await json(await call(`/${admin.slug}/integrations`, { bearer: key }));
    expect(list.data.map((item: { id: string }) => item.id)).toEqual([fromWebhooks.id, created.id]);
    const shown = await json(
      await call(`/v1/accounts/${admin.slug}/integrations/${fromWebhooks.id}`, { bearer: key }),
    );
    expect(shown.settings.actions["contact.tag_changed"]).toBe(true);
    expect(shown.config).not.toHaveProperty("webhookSecret");

    const patched = await json(
      await call(`/${admin.slug}/integrations/${created.id}`, {
        method: "PATCH",
        bearer: key,
        body: {
          active: false,
          settings: { actions: { "message.failed": false, "phone_call.completed": true } },
        },
      }),
    );
    expect(patched.active).toBe(false);
    expect(patched.settings.actions).toMatchObject({
      "message.failed": false,
      "phone_call.completed": true,
      "message.received": true,
    });
    const viaWebhooks = await json(await call(`/v1/webhooks/${created.id}`, { bearer: key }));
    expect(viaWebhooks).toMatchObject({ active: false, status: "disabled" });
    expect(viaWebhooks.events).toContain("phone_call.completed");
    expect(viaWebhooks.events).not.toContain("message.failed");

    const replaced = await json(
      await call(`/${admin.slug}/integrations/${created.id}`, {
        method: "PUT",
        bearer: key,
        body: {
          provider: "webhook",
          config: { baseUrl: "https://new.example.com/cb" },
          settings: { actions: { "message.sent": true } },
        },
      }),
    );
    expect(replaced).toMatchObject({
      active: true,
      config: { baseUrl: "https://new.example.com/cb" },
    });
    expect((await json(await call(`/v1/webhooks/${created.id}`, { bearer: key }))).events).toEqual([
      "message.sent",
    ]);

    const deleted = await call(`/${admin.slug}/integrations/${created.id}`, {
      method: "DELETE",
      bearer: key,
    });
    expect(await json(deleted)).toEqual({ id: created.id, deleted: true });
    await expectError(await call(`/v1/webhooks/${created.id}`, { bearer: key }), 404);
  });

  it("defaults to TextUs's two events when no actions are given", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin);
    const created = await json(
      await seedCurl(
        `/${admin.slug}/integrations`,
        key,
        JSON.stringify({ provider: "webhook", config: { baseUrl: "https://x.example.com/" } }),
      ),
    );
    expect(
      Object.entries(created.settings.actions)
        .filter(([, on]) => on)
        .map(([type]) => type),
    ).toEqual(["message.delivered", "message.received"]);
  });

  it("signs integration deliveries with the seed's X-TextUs-Signature and the user's webhookSecret", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin);
    const receiver = await newReceiver();
    const body = JSON.stringify({
      provider: "webhook",
      config: {
        baseUrl: receiver.url,
        webhookSecret: "textus-HOTh4kXxHIbYst0xutpkdw",
        clientSecret: "crm-token",
      },
      settings: { actions: { "message.received": true } },
    });
    const created = await json(await seedCurl(`/${admin.slug}/integrations`, key, body));
    expect(created.config.webhookSecret).toBe("textus-HOTh4kXxHIbYst0xutpkdw");
    await call(`/v1/webhooks/${created.id}/test`, {
      bearer: key,
      body: { event_type: "message.received" },
    });
    const [delivery] = await receiver.received();
    const digest = createHmac("sha256", "textus-HOTh4kXxHIbYst0xutpkdw")
      .update(delivery!.body)
      .digest("hex");
    expect(delivery!.headers["x-textus-signature"]).toBe(digest);
    expect(delivery!.headers["x-switchboard-signature"]).toBe(digest);
    expect(delivery!.headers.authorization).toBe("Bearer crm-token");
  });

  it("answers 404 for another account's slug, and 400/422 for bad bodies without writing", async () => {
    const admin = await signup();
    const stranger = await signup();
    const { key } = await createApiKey(admin);
    await expectError(await seedCurl(`/${stranger.slug}/integrations`, key), 404);
    await expectError(
      await seedCurl(`/${admin.slug}/integrations`, key, "{not json"),
      400,
      "invalid_json",
    );
    await expectError(
      await seedCurl(
        `/${admin.slug}/integrations`,
        key,
        JSON.stringify({ provider: "zapier", config: { baseUrl: "https://x.example.com" } }),
      ),
      422,
    );
    await expectError(
      await seedCurl(
        `/${admin.slug}/integrations`,
        key,
        JSON.stringify({
          provider: "webhook",
          config: { baseUrl: "https://x.example.com" },
          settings: { actions: { "message.sent": false } },
        }),
      ),
      422,
    );
    await expectError(
      await seedCurl(
        `/${admin.slug}/integrations`,
        key,
        JSON.stringify({
          provider: "webhook",
          config: { baseUrl: "https://x.example.com" },
          settings: { actions: { "message.bogus": true } },
        }),
      ),
      422,
    );
    expect((await json(await call("/v1/webhooks", { bearer: key }))).data).toEqual([]);
  });
});
