// The dashboard's webhooks section against a real local receiver: add with the default events,
// the signing secret shown once, Test (a signed POST arrives; the UI shows the answer), edit and
// the failure notice for a disabled endpoint, delivery log, reveal/rotate secret, delete.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import {
  BASE_URL,
  launchBrowser,
  logInThroughUi,
  newPage,
  PASSWORD,
  signUpThroughUi,
  unique,
  uniqueEmail,
} from "./helpers.mjs";

const SCREENSHOT = process.env.WEBHOOKS_SCREENSHOT_PATH ?? "/tmp/switchboard-webhooks.png";
const NOTICE_SCREENSHOT = "/tmp/switchboard-webhooks-notice.png";

/** A local HTTP receiver that records every request and answers 200 with a short body. */
function startReceiver() {
  const requests = [];
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const entry = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(entry);
      for (const waiter of waiters.splice(0)) waiter(entry);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok from receiver");
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/hooks/switchboard`,
        requests,
        next: () => new Promise((done) => waiters.push(done)),
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describe("webhooks section", () => {
  let browser;
  let admin;
  let receiver;
  let signingSecret;
  const adminEmail = uniqueEmail("hooks-admin");

  before(async () => {
    receiver = await startReceiver();
    browser = await launchBrowser();
    admin = await newPage(browser);
    await signUpThroughUi(admin.page, { accountName: `Hooks ${unique("co")}`, email: adminEmail });
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
  });

  const item = (page) => page.getByTestId("webhook-item").filter({ hasText: receiver.url });

  it("adds a webhook with the default events and shows its signing secret", async () => {
    const { page, errors } = admin;
    await page.getByTestId("webhook-status").filter({ hasText: "No webhooks yet" }).waitFor();
    await page.getByTestId("webhook-new-button").click();
    const boxes = page.getByTestId("webhook-create-event");
    await boxes.first().waitFor();
    // 10 messaging and contact types, plus the 4 operational endpoint.* types.
    assert.equal(await boxes.count(), 14, "one checkbox per event type");
    const checked = await boxes.evaluateAll((all) =>
      all.filter((box) => box.checked).map((box) => box.value),
    );
    assert.deepEqual(checked.sort(), ["message.delivered", "message.received"]);

    await page.getByTestId("webhook-url-input").fill(receiver.url);
    await page.getByTestId("webhook-description-input").fill("Local <i>receiver</i>");
    await page.getByTestId("webhook-create-submit").click();

    const secret = page.getByTestId("webhook-secret-reveal-value");
    await secret.waitFor();
    signingSecret = await secret.inputValue();
    assert.match(signingSecret, /^whsec_/);

    const row = item(page);
    await row.waitFor();
    assert.equal(await row.getByTestId("webhook-status").textContent(), "Active");
    assert.equal(await row.getByTestId("webhook-pending").textContent(), "0");
    const events = await row.getByTestId("webhook-events").textContent();
    assert.match(events, /message\.delivered/);
    assert.match(events, /message\.received/);
    assert.equal(
      await row.getByTestId("webhook-description").textContent(),
      "Local <i>receiver</i>",
    );
    assert.equal(await page.getByTestId("webhook-failures").isHidden(), true);
    await page.getByTestId("webhook-secret-reveal-done").click();
    assert.deepEqual(errors, []);
  });

  it("rejects an empty event list readably", async () => {
    const { page } = admin;
    await page.getByTestId("webhook-new-button").click();
    await page.getByTestId("webhook-url-input").fill(`${receiver.url}?second`);
    for (const box of await page.getByTestId("webhook-create-event").all()) await box.uncheck();
    await page.getByTestId("webhook-create-submit").click();
    const error = page.getByTestId("webhook-create-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /at least one event/i);
    await page.getByTestId("webhook-create-cancel").click();
    assert.equal(await page.getByTestId("webhook-create-form").isHidden(), true);
  });

  it("sends a signed test event and shows the receiver's answer", async () => {
    const { page, errors } = admin;
    const row = item(page);
    await row.getByTestId("webhook-test").click();
    assert.equal(await row.getByTestId("webhook-test-event").inputValue(), "message.delivered");
    const arrived = receiver.next();
    await row.getByTestId("webhook-test-send").click();
    const request = await arrived;

    assert.equal(request.method, "POST");
    assert.equal(request.url, "/hooks/switchboard");
    const payload = new Webhook(signingSecret).verify(request.body, request.headers);
    assert.equal(payload.type, "message.delivered");
    const hex = createHmac("sha256", signingSecret).update(request.body).digest("hex");
    assert.equal(request.headers["x-switchboard-signature"], hex);

    await row.getByTestId("webhook-test-status").filter({ hasText: "200" }).waitFor();
    assert.equal(await row.getByTestId("webhook-test-outcome").textContent(), "Success");
    assert.match(await row.getByTestId("webhook-test-duration").textContent(), /^\d+ ms$/);
    assert.equal(await row.getByTestId("webhook-test-body").textContent(), "ok from receiver");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });

  it("opens the delivery log (empty until real events flow)", async () => {
    const { page, errors } = admin;
    const row = item(page);
    const id = await row.getAttribute("data-endpoint-id");
    const response = await page.request.get(`/v1/webhooks/${id}/deliveries`);
    const expected = response.ok() ? (await response.json()).data.length : 0;
    await row.getByTestId("webhook-log").click();
    if (expected === 0) {
      await row
        .getByTestId("webhook-deliveries-status")
        .filter({ hasText: "No deliveries yet" })
        .waitFor();
    } else {
      await row.getByTestId("webhook-delivery-row").first().waitFor();
      assert.equal(await row.getByTestId("webhook-delivery-row").count(), Math.min(expected, 20));
    }
    await row.getByTestId("webhook-log").click();
    assert.equal(await row.getByTestId("webhook-panel").isHidden(), true, "toggles closed");
    assert.deepEqual(errors, []);
  });

  it("renders delivery attempts and notifications as the API returns them", async () => {
    const { page, errors } = admin;
    const id = await item(page).getAttribute("data-endpoint-id");
    const at = new Date().toISOString();
    const attempts = [
      { outcome: "delivered", status_code: 200, error: null, response_excerpt: "ok" },
      { outcome: "transient", status_code: 504, error: "Gateway timeout", response_excerpt: null },
      { outcome: "fatal", status_code: 500, error: "HTTP 500", response_excerpt: "<h1>boom</h1>" },
    ].map((fields, index) => ({
      id: `del_${index}`,
      event_id: `evt_test${index}`,
      event_type: "message.delivered",
      attempt: index + 1,
      duration_ms: 12 + index,
      created_at: at,
      ...fields,
    }));
    const notice = {
      id: "ntf_1",
      type: "endpoint.failed",
      endpoint_id: id,
      message: "Deliveries to <b>your endpoint</b> are failing",
      created_at: at,
    };
    const page1 = { data: attempts, has_more: false, next_cursor: null };
    await page.route(`**/v1/webhooks/${id}/deliveries*`, (route) => route.fulfill({ json: page1 }));
    await page.route("**/v1/notifications*", (route) =>
      route.fulfill({ json: { data: [notice], has_more: false, next_cursor: null } }),
    );
    try {
      await page.reload();
      const note = page.getByTestId("webhook-notification");
      await note.waitFor();
      assert.match(await note.textContent(), /Deliveries to <b>your endpoint<\/b> are failing/);
      await item(page).getByTestId("webhook-log").click();
      const rows = item(page).getByTestId("webhook-delivery-row");
      await rows.first().waitFor();
      assert.equal(await rows.count(), 3);
      const outcomes = await item(page).getByTestId("webhook-delivery-outcome").allTextContents();
      assert.deepEqual(outcomes, ["Delivered", "Will retry", "Failed"]);
      assert.match(await rows.nth(2).textContent(), /HTTP 500/);
      await page.screenshot({ path: "/tmp/switchboard-webhooks-log.png", fullPage: true });
    } finally {
      await page.unrouteAll();
    }
    await page.reload();
    await item(page).waitFor();
    assert.deepEqual(errors, []);
  });

  it("reveals and rotates the signing secret", async () => {
    const { page } = admin;
    const row = item(page);
    await row.getByTestId("webhook-reveal-secret").click();
    const value = row.getByTestId("webhook-secret-value");
    await value.waitFor();
    assert.equal(await value.inputValue(), signingSecret);

    await row.getByTestId("webhook-rotate-secret").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId("webhook-rotate-grace").inputValue(), "86400");
    await dialog.getByTestId("confirm-ok").click();
    await row
      .getByTestId("webhook-secret-note")
      .filter({ hasText: "old secret also signs" })
      .waitFor();
    const rotated = await value.inputValue();
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, signingSecret);

    const arrived = receiver.next();
    await row.getByTestId("webhook-test").click();
    await row.getByTestId("webhook-test-send").click();
    const request = await arrived;
    new Webhook(rotated).verify(request.body, request.headers); // new secret signs
    new Webhook(signingSecret).verify(request.body, request.headers); // so does the old one
    await row.getByTestId("webhook-test-status").filter({ hasText: "200" }).waitFor();
    signingSecret = rotated;
  });

  it("disables an endpoint through Edit and lists it under failure notices", async () => {
    const { page, errors } = admin;
    let row = item(page);
    await row.getByTestId("webhook-edit").click();
    await row.getByTestId("webhook-edit-active").waitFor();
    await row.locator('[data-testid="webhook-edit-event"][value="contact.opted_out"]').check();
    await row.getByTestId("webhook-edit-active").uncheck();
    await row.getByTestId("webhook-edit-save").click();
    await page.getByTestId("webhook-notice").filter({ hasText: "Saved" }).waitFor();

    row = item(page);
    assert.equal(await row.getByTestId("webhook-status").textContent(), "Disabled");
    assert.match(await row.getByTestId("webhook-events").textContent(), /contact\.opted_out/);
    const failure = page.getByTestId("webhook-failure").filter({ hasText: "127.0.0.1" });
    await failure.waitFor();
    assert.match(await failure.textContent(), /Disabled endpoint/);
    await page.screenshot({ path: NOTICE_SCREENSHOT, fullPage: true });

    await page.reload();
    await page.getByTestId("webhook-failure").first().waitFor();
    await item(page).getByTestId("webhook-edit").click();
    await item(page).getByTestId("webhook-edit-active").check();
    await item(page).getByTestId("webhook-edit-save").click();
    await item(page).getByTestId("webhook-status").filter({ hasText: "Active" }).waitFor();
    assert.equal(await page.getByTestId("webhook-failure").count(), 0);
    assert.deepEqual(errors, []);
  });

  it("shows members the endpoints read-only", async () => {
    const memberEmail = uniqueEmail("hooks-member");
    const added = await admin.page.request.post("/v1/users", {
      headers: { origin: BASE_URL },
      data: { email: memberEmail, role: "member", password: PASSWORD },
    });
    assert.equal(added.status(), 201);
    const member = await newPage(browser);
    try {
      await logInThroughUi(member.page, { email: memberEmail });
      const { page } = member;
      await item(page).waitFor();
      assert.equal(await page.getByTestId("webhook-new-button").count(), 0);
      assert.equal(await page.getByTestId("webhook-test").count(), 0);
      assert.equal(await page.getByTestId("webhook-delete").count(), 0);
      assert.equal(await page.getByTestId("webhook-reveal-secret").count(), 0);
      await item(page).getByTestId("webhook-log").click();
      await item(page).getByTestId("webhook-deliveries-status").waitFor();
      await page.getByTestId("webhook-admin-only").waitFor();
      assert.deepEqual(member.errors, []);
    } finally {
      await member.context.close();
    }
  });

  it("deletes the webhook after confirmation", async () => {
    const { page, errors } = admin;
    const row = item(page);
    await row.getByTestId("webhook-delete").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    assert.match(
      await dialog.getByTestId("confirm-message").textContent(),
      /stops receiving events/,
    );
    await dialog.getByTestId("confirm-ok").click();
    await row.waitFor({ state: "detached" });
    assert.match(await page.getByTestId("webhook-notice").textContent(), /was deleted/);
    await page.getByTestId("webhook-status").filter({ hasText: "No webhooks yet" }).waitFor();
    const list = await page.request.get("/v1/webhooks");
    assert.deepEqual((await list.json()).data, []);
    assert.deepEqual(errors, []);
  });
});
