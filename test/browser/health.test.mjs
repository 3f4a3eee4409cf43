// Delivery health at a glance: real deliveries through wrangler dev to a local receiver that
// fails the first attempt (504, retried) and accepts the rest; the endpoint card shows the same
// success rate, latency and attempts as GET /v1/webhooks/{id}/stats, and a bar per attempt.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  apiAsPage,
  BASE_URL,
  launchBrowser,
  newPage,
  signUpThroughUi,
  uniqueEmail,
} from "./helpers.mjs";
import { eventually, startScriptedReceiver } from "./receiver.mjs";

const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT_PATH ?? "/tmp/switchboard-dashboard-health.png";
const MESSAGES = 3;

describe("delivery health", () => {
  async function sendMessage(body) {
    const response = await fetch(`${BASE_URL}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${testKey.key}`, "content-type": "application/json" },
      body: JSON.stringify({ to: "+15555550123", body }),
    });
    assert.equal(response.status, 202, await response.text());
  }

  let browser;
  let admin;
  let receiver;
  let endpoint;
  let testKey;

  before(async () => {
    receiver = await startScriptedReceiver([504, 200]);
    browser = await launchBrowser();
    admin = await newPage(browser, { width: 1280, height: 900 });
    await signUpThroughUi(admin.page, {
      accountName: "Pupstar Pets", // names need not be unique; it reads well in docs/dashboard.png
      email: uniqueEmail("health"),
    });
    testKey = await apiAsPage(admin.page, "POST", "/v1/api-keys", {
      name: "CRM Integration",
      environment: "test",
    });
    endpoint = await apiAsPage(admin.page, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["message.sent"],
      description: "Order notifications",
    });
    for (let i = 0; i < MESSAGES; i++) await sendMessage(`Your order ${i + 1} has shipped`);
    // The first delivery fails (504, transient) and is retried; then every event gets through.
    await eventually(() => receiver.requests.filter((r) => r.status === 200).length >= MESSAGES, {
      what: `${MESSAGES} accepted deliveries`,
    });
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
  });

  it("the stats API counts the failure and the successes", async () => {
    const stats = await eventually(
      async () => {
        const body = await apiAsPage(admin.page, "GET", `/v1/webhooks/${endpoint.id}/stats`);
        return body.attempts === MESSAGES + 1 ? body : null;
      },
      { what: "all attempts in the stats" },
    );
    assert.equal(stats.endpoint_id, endpoint.id);
    assert.equal(stats.window_hours, 24);
    assert.equal(stats.succeeded, MESSAGES);
    assert.equal(stats.failed, 1);
    assert.equal(stats.success_rate, MESSAGES / (MESSAGES + 1));
    assert.ok(stats.latency_ms.p95 >= stats.latency_ms.p50);
    assert.deepEqual(
      stats.timeline.map((point) => point.status_code),
      [504, ...Array(MESSAGES).fill(200)],
    );
  });

  it("shows the same figures and one bar per attempt on the endpoint's card", async () => {
    const { page, errors } = admin;
    await page.goto("/dashboard");
    const card = page.getByTestId("webhook-item").filter({ hasText: receiver.url });
    const health = card.getByTestId("webhook-health");
    await health.and(page.locator('[data-state="ready"]')).waitFor();
    const stats = await apiAsPage(page, "GET", `/v1/webhooks/${endpoint.id}/stats`);

    assert.equal(await health.getByTestId("webhook-health-rate").textContent(), "75.0%");
    assert.equal(
      await health.getByTestId("webhook-health-latency").textContent(),
      `${stats.latency_ms.p50} / ${stats.latency_ms.p95} ms`,
    );
    assert.equal(await health.getByTestId("webhook-health-attempts").textContent(), "4 (1 failed)");
    const bars = health.getByTestId("webhook-health-bar");
    assert.equal(await bars.count(), MESSAGES + 1);
    assert.deepEqual(
      await bars.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-ok"))),
      ["false", "true", "true", "true"],
    );
    assert.match(
      await bars.first().locator("title").textContent(),
      /message\.sent · HTTP 504 · \d+ ms/,
    );
    assert.match(
      await health.getByTestId("webhook-health-chart").getAttribute("aria-label"),
      /Last 4 attempts: 3 succeeded, 1 failed/,
    );
    await page.getByTestId("key-row").first().waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });

  it("refreshes the figures every 30 s while the page stays open", async () => {
    const { page, errors } = admin;
    await page.clock.install();
    await page.goto("/dashboard");
    const card = page.getByTestId("webhook-item").filter({ hasText: receiver.url });
    const attempts = card.getByTestId("webhook-health-attempts");
    await attempts.filter({ hasText: "4 (1 failed)" }).waitFor();
    await sendMessage("One more thing");
    await eventually(() => receiver.requests.length >= MESSAGES + 2, { what: "one more delivery" });
    await eventually(
      async () =>
        (await apiAsPage(page, "GET", `/v1/webhooks/${endpoint.id}/stats`)).attempts ===
        MESSAGES + 2,
      { what: "the new attempt in the stats" },
    );
    assert.equal(await attempts.textContent(), "4 (1 failed)", "no refresh before 30 s");
    await page.clock.fastForward(30_000);
    await attempts.filter({ hasText: "5 (1 failed)" }).waitFor();
    assert.equal(await card.getByTestId("webhook-health-bar").count(), MESSAGES + 2);
    assert.deepEqual(errors, []);
  });

  it("says so when an endpoint has had no attempts", async () => {
    const { page, errors } = admin;
    const quiet = await apiAsPage(page, "POST", "/v1/webhooks", {
      url: `${receiver.url}/quiet`,
      events: ["contact.created"],
    });
    await page.reload();
    const card = page.locator(`[data-testid="webhook-item"][data-endpoint-id="${quiet.id}"]`);
    await card.getByTestId("webhook-health-empty").waitFor();
    assert.equal(await card.getByTestId("webhook-health-rate").textContent(), "—");
    assert.equal(await card.getByTestId("webhook-health-bar").count(), 0);
    assert.deepEqual(errors, []);
  });
});
