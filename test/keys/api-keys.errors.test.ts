import { describe, expect, it } from "vitest";
import { addMember, call, countRows, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";

describe("API keys: bad input changes nothing", () => {
  const invalidBodies: [string, unknown][] = [
    ["missing name", { environment: "production" }],
    ["blank name", { name: "  ", environment: "production" }],
    ["unknown environment", { name: "k", environment: "staging" }],
    ["unknown scope", { name: "k", environment: "test", scopes: ["messages:delete"] }],
    ["empty scopes", { name: "k", environment: "test", scopes: [] }],
    ["expiry in the past", { name: "k", environment: "test", expires_at: "2001-01-01T00:00:00Z" }],
    ["expiry not a date", { name: "k", environment: "test", expires_at: "tomorrow" }],
    ["unknown field", { name: "k", environment: "test", secret: "sk_live_mine" }],
    ["name too long", { name: "x".repeat(101), environment: "test" }],
  ];

  for (const [label, body] of invalidBodies) {
    it(`422 for ${label}`, async () => {
      const admin = await signup();
      const before = await countRows("api_keys");
      const error = await expectError(
        await call("/v1/api-keys", { cookie: admin.cookie, body }),
        422,
        "validation_failed",
      );
      expect(Array.isArray(error.details)).toBe(true);
      expect(await countRows("api_keys")).toBe(before);
    });
  }

  it("400 for malformed JSON and 415 for a non-JSON body", async () => {
    const admin = await signup();
    const before = await countRows("api_keys");
    await expectError(
      await call("/v1/api-keys", {
        cookie: admin.cookie,
        rawBody: "{name:",
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    await expectError(
      await call("/v1/api-keys", {
        cookie: admin.cookie,
        rawBody: "name=k",
        headers: { "content-type": "text/plain" },
      }),
      415,
      "unsupported_media_type",
    );
    expect(await countRows("api_keys")).toBe(before);
  });

  it("422 for a grace period out of range", async () => {
    const admin = await signup();
    const { id, key } = await createApiKey(admin);
    for (const grace of [-1, 86_401, 1.5, "60"]) {
      await expectError(
        await call(`/v1/api-keys/${id}/rotate`, {
          cookie: admin.cookie,
          body: { grace_period_seconds: grace },
        }),
        422,
      );
    }
    expect((await call("/v1/account", { bearer: key })).status).toBe(200);
  });

  it("404 for unknown key ids", async () => {
    const admin = await signup();
    await expectError(await call("/v1/api-keys/key_doesnotexist", { cookie: admin.cookie }), 404);
    await expectError(
      await call("/v1/api-keys/key_doesnotexist/rotate", { cookie: admin.cookie, body: {} }),
      404,
    );
    await expectError(
      await call("/v1/api-keys/key_doesnotexist", { method: "DELETE", cookie: admin.cookie }),
      404,
    );
  });

  it("members can list keys but not create, rotate or delete them", async () => {
    const admin = await signup();
    const { id, key } = await createApiKey(admin);
    const member = await addMember(admin, "member");
    expect((await call("/v1/api-keys", { cookie: member.cookie })).status).toBe(200);
    expect((await call(`/v1/api-keys/${id}`, { cookie: member.cookie })).status).toBe(200);
    await expectError(
      await call("/v1/api-keys", {
        cookie: member.cookie,
        body: { name: "k", environment: "test" },
      }),
      403,
    );
    await expectError(
      await call(`/v1/api-keys/${id}/rotate`, { cookie: member.cookie, body: {} }),
      403,
    );
    await expectError(
      await call(`/v1/api-keys/${id}`, { method: "DELETE", cookie: member.cookie }),
      403,
    );
    await expectError(await call("/v1/audit-events", { cookie: member.cookie }), 403);
    expect((await call("/v1/account", { bearer: key })).status).toBe(200);
    const list = await json(await call("/v1/api-keys", { cookie: admin.cookie }));
    expect(list.data).toHaveLength(1);
  });

  it("an API key can never manage keys, even with every scope", async () => {
    const admin = await signup();
    const { id, key } = await createApiKey(admin);
    await expectError(
      await call("/v1/api-keys", {
        bearer: key,
        body: { name: "minted", environment: "production" },
      }),
      403,
    );
    await expectError(await call("/v1/api-keys", { bearer: key }), 403);
    await expectError(await call(`/v1/api-keys/${id}/rotate`, { bearer: key, body: {} }), 403);
    await expectError(await call(`/v1/api-keys/${id}`, { method: "DELETE", bearer: key }), 403);
    expect((await call("/v1/account", { bearer: key })).status).toBe(200);
  });

  it("refuses a malformed Authorization header with 401", async () => {
    await expectError(
      await call("/v1/account", { headers: { authorization: "Basic abc" } }),
      401,
      "invalid_api_key",
    );
    await expectError(
      await call("/v1/account", { headers: { authorization: "Bearer" } }),
      401,
      "invalid_api_key",
    );
  });
});

describe("concurrent rotations", () => {
  it("two rotations of one key at once: one replacement, one 409, and only that replacement works", async () => {
    const admin = await signup();
    const { createApiKey } = await import("../support/keys");
    const old = await createApiKey(admin, { name: "raced" });
    const rotate = () => call(`/v1/api-keys/${old.id}/rotate`, { cookie: admin.cookie, body: {} });
    const answers = await Promise.all([rotate(), rotate()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const winner = await json(answers.find((answer) => answer.status === 201) as Response);
    expect((await call("/v1/account", { bearer: winner.key })).status).toBe(200);
    const keys = await json(await call("/v1/api-keys", { cookie: admin.cookie }));
    const live = keys.data.filter((key: { id: string }) => key.id !== old.id);
    expect(live.map((key: { id: string }) => key.id)).toEqual([winner.id]);
  });
});
