import { describe, expect, it } from "vitest";
import {
  call,
  countRows,
  expectError,
  json,
  PASSWORD,
  sessionCookie,
  signup,
  unique,
} from "../helpers";
import { clockedApp } from "../support/clocked";

describe("webhooks: bad input changes nothing", () => {
  const invalid: [string, unknown][] = [
    ["missing url", { events: ["message.sent"] }],
    ["empty events", { url: "https://example.com/h", events: [] }],
    ["unknown event", { url: "https://example.com/h", events: ["message.exploded"] }],
    ["not a URL", { url: "not a url", events: ["message.sent"] }],
    ["url too long", { url: `https://example.com/${"a".repeat(2040)}`, events: ["message.sent"] }],
    ["short secret", { url: "https://example.com/h", events: ["message.sent"], secret: "short" }],
    ["unknown field", { url: "https://example.com/h", events: ["message.sent"], retries: 3 }],
  ];
  for (const [label, body] of invalid) {
    it(`422 for ${label}`, async () => {
      const app = clockedApp({ ALLOW_PRIVATE_WEBHOOK_URLS: "false" });
      const signed = await app.fetch("/v1/auth/signup", {
        json: { account_name: unique("W "), email: `${unique()}@example.com`, password: PASSWORD },
      });
      const cookie = sessionCookie(signed);
      const before = await countRows("webhook_endpoints");
      const response = await app.fetch("/v1/webhooks", { cookie, json: body });
      expect(response.status).toBe(422);
      expect((await json(response)).error.details).toBeInstanceOf(Array);
      expect(await countRows("webhook_endpoints")).toBe(before);
    });
  }

  it("422 for every SSRF form when private URLs are not allowed", async () => {
    const app = clockedApp({ ALLOW_PRIVATE_WEBHOOK_URLS: "false" });
    const signed = await app.fetch("/v1/auth/signup", {
      json: { account_name: unique("S "), email: `${unique()}@example.com`, password: PASSWORD },
    });
    const cookie = sessionCookie(signed);
    const before = await countRows("webhook_endpoints");
    const forbidden = [
      "http://example.com/hook",
      "https://localhost/hook",
      "https://api.localhost/hook",
      "https://db.internal/hook",
      "https://127.0.0.1/hook",
      "https://10.0.0.8/hook",
      "https://172.16.5.4/hook",
      "https://192.168.1.1/hook",
      "https://100.64.0.1/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://224.0.0.1/hook",
      "https://[::1]/hook",
      "https://[fd00:ec2::254]/hook",
      "https://[fe80::1]/hook",
      "https://[fc00::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://2130706433/hook",
      "https://0177.0.0.1/hook",
      "https://0x7f.0.0.1/hook",
      "https://127.1/hook",
      "https://user:pass@example.com/hook",
    ];
    for (const url of forbidden) {
      const response = await app.fetch("/v1/webhooks", {
        cookie,
        json: { url, events: ["message.sent"] },
      });
      expect(response.status, url).toBe(422);
      const error = (await json(response)).error;
      expect(error.details[0].path).toBe("url");
    }
    const patched = await app.fetch("/v1/webhooks", {
      cookie,
      json: { url: "https://hooks.example.com/ok", events: ["message.sent"] },
    });
    expect(patched.status).toBe(201);
    const id = (await json(patched)).id;
    const bad = await app.fetch(`/v1/webhooks/${id}`, {
      method: "PATCH",
      cookie,
      json: { url: "https://10.1.2.3/x" },
    });
    expect(bad.status).toBe(422);
    expect((await json(await app.fetch(`/v1/webhooks/${id}`, { cookie }))).url).toBe(
      "https://hooks.example.com/ok",
    );
    expect(await countRows("webhook_endpoints")).toBe(before + 1);
  });

  it("422 for a test with an unknown event type, 404 for unknown endpoints", async () => {
    const admin = await signup();
    const created = await json(
      await call("/v1/webhooks", {
        cookie: admin.cookie,
        body: { url: "https://example.com/h", events: ["message.sent"] },
      }),
    );
    await expectError(
      await call(`/v1/webhooks/${created.id}/test`, {
        cookie: admin.cookie,
        body: { event_type: "nope" },
      }),
      422,
    );
    await expectError(
      await call(`/v1/webhooks/${created.id}/rotate-secret`, {
        cookie: admin.cookie,
        body: { grace_period_seconds: -5 },
      }),
      422,
    );
    await expectError(await call("/v1/webhooks/we_missing", { cookie: admin.cookie }), 404);
    await expectError(
      await call("/v1/webhooks/we_missing/test", {
        cookie: admin.cookie,
        body: { event_type: "message.sent" },
      }),
      404,
    );
  });
});
