// The dashboard's API keys section: create with a copy-once reveal, last use, rotate, delete,
// and the read-only member view — each checked against the real API with the issued secrets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
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

const SCREENSHOT = process.env.API_KEYS_SCREENSHOT_PATH ?? "/tmp/switchboard-api-keys.png";
const DIALOG_SCREENSHOT = "/tmp/switchboard-api-keys-dialog.png";

/** GET /v1/account with a key; returns the status code. */
async function statusWithKey(secret) {
  const response = await fetch(`${BASE_URL}/v1/account`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  await response.body?.cancel();
  return response.status;
}

describe("API keys section", () => {
  let browser;
  let admin;
  const adminEmail = uniqueEmail("keys-admin");
  const keyName = `CRM ${unique("k")}`;
  let firstSecret;
  let rotatedSecret;

  before(async () => {
    browser = await launchBrowser();
    admin = await newPage(browser);
    await admin.context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: BASE_URL,
    });
    await signUpThroughUi(admin.page, { accountName: `Keys ${unique("co")}`, email: adminEmail });
  });
  after(async () => {
    await browser?.close();
  });

  const rowFor = (page, name) => page.getByTestId("key-row").filter({ hasText: name });

  it("starts empty and explains how to begin", async () => {
    const status = admin.page.getByTestId("key-status");
    await status.filter({ hasText: "No API keys yet" }).waitFor();
  });

  it("shows a readable error when the name is missing", async () => {
    const { page } = admin;
    await page.getByTestId("key-new-button").click();
    await page.getByTestId("key-create-submit").click();
    const error = page.getByTestId("key-create-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /Name/);
    assert.match(await error.textContent(), /validation_failed/);
  });

  it("creates a test key and reveals the full secret once", async () => {
    const { page, errors } = admin;
    await page.getByTestId("key-name").fill(keyName);
    await page.getByTestId("key-environment-select").selectOption("test");
    await page.getByTestId("key-description").fill("Used by the <b>CRM</b> sync");
    await page.getByTestId("key-create-submit").click();

    const value = page.getByTestId("key-reveal-value");
    await value.waitFor();
    firstSecret = await value.inputValue();
    assert.match(firstSecret, /^sk_test_[0-9A-Za-z_]{32,}$/);
    assert.match(
      await page.getByTestId("key-reveal-warning").textContent(),
      /Copy the key now — it won't be shown again/,
    );
    assert.equal(await page.getByTestId("key-create-form").isHidden(), true);

    await page.getByTestId("key-reveal-copy").click();
    await page
      .getByTestId("key-reveal-copy-status")
      .filter({ hasText: /Copied|Ctrl\+C/ })
      .waitFor();
    const clipboard = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
    if (clipboard !== null) assert.equal(clipboard, firstSecret);

    const row = rowFor(page, keyName);
    await row.waitFor();
    const prefix = await row.getByTestId("key-prefix").textContent();
    assert.ok(prefix.length >= 8 && firstSecret.startsWith(prefix), `prefix ${prefix}`);
    assert.equal(await row.getByTestId("key-environment").textContent(), "Test");
    assert.equal(await row.getByTestId("key-last-used").textContent(), "Never");
    assert.match(await row.getByTestId("key-masked").textContent(), /^sk_test_.+…/);
    assert.match(await row.textContent(), /Used by the <b>CRM<\/b> sync/, "escaped as text");
    assert.equal(await row.getByTestId("key-status-badge").textContent(), "Active");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByTestId("key-reveal-done").click();
    assert.equal(await page.getByTestId("key-reveal").isHidden(), true);
    assert.ok(!(await page.content()).includes(firstSecret), "secret gone from the page");
    await page.reload();
    await rowFor(page, keyName).waitFor();
    assert.ok(!(await page.content()).includes(firstSecret), "never shown again");
    assert.deepEqual(errors, []);
  });

  it("shows the last use once the key has been used", async () => {
    const { page } = admin;
    assert.equal(await statusWithKey(firstSecret), 200);
    let lastUsed = "Never";
    for (let i = 0; i < 20 && lastUsed === "Never"; i++) {
      await page.reload();
      const cell = rowFor(page, keyName).getByTestId("key-last-used");
      await cell.waitFor();
      lastUsed = await cell.textContent();
      if (lastUsed === "Never") await page.waitForTimeout(500);
    }
    assert.notEqual(lastUsed, "Never");
    assert.match(lastUsed, /just now|ago|seconds/);
  });

  it("rotates a key: a new secret is revealed and the old one stops at once", async () => {
    const { page, errors } = admin;
    await rowFor(page, keyName).getByTestId("key-rotate").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId("key-rotate-grace").inputValue(), "0");
    await page.screenshot({ path: DIALOG_SCREENSHOT });
    await dialog.getByTestId("confirm-ok").click();

    const value = page.getByTestId("key-reveal-value");
    await value.waitFor();
    rotatedSecret = await value.inputValue();
    assert.match(rotatedSecret, /^sk_test_/);
    assert.notEqual(rotatedSecret, firstSecret);
    assert.match(await page.getByTestId("key-reveal-note").textContent(), /stopped working/);
    assert.equal(await statusWithKey(firstSecret), 401);
    assert.equal(await statusWithKey(rotatedSecret), 200);

    const rows = rowFor(page, keyName);
    await page.waitForFunction(
      (name) =>
        [...document.querySelectorAll('[data-testid="key-row"]')].filter((row) =>
          row.textContent.includes(name),
        ).length === 1,
      keyName,
    );
    const prefix = await rows.getByTestId("key-prefix").textContent();
    assert.ok(rotatedSecret.startsWith(prefix), "the list shows the replacement");
    await page.getByTestId("key-reveal-done").click();
    assert.deepEqual(errors, []);
  });

  it("rotates with a grace period: the old secret keeps working and shows as expiring", async () => {
    const { page } = admin;
    const name = `Grace ${unique("k")}`;
    await page.getByTestId("key-new-button").click();
    await page.getByTestId("key-name").fill(name);
    await page.getByTestId("key-environment-select").selectOption("production");
    await page.getByTestId("key-create-submit").click();
    const value = page.getByTestId("key-reveal-value");
    await value.waitFor();
    const secret = await value.inputValue();
    assert.match(secret, /^sk_live_/);
    await page.getByTestId("key-reveal-done").click();
    await rowFor(page, name)
      .getByTestId("key-environment")
      .filter({ hasText: "Production" })
      .waitFor();

    await rowFor(page, name).getByTestId("key-rotate").click();
    await page.getByTestId("key-rotate-grace").selectOption("3600");
    await page.getByTestId("confirm-ok").click();
    await page.getByTestId("key-reveal-note").filter({ hasText: "1 hour" }).waitFor();
    assert.equal(await statusWithKey(secret), 200, "old secret still works during the grace");
    await rowFor(page, name)
      .getByTestId("key-status-badge")
      .filter({ hasText: "Expiring" })
      .waitFor();
    assert.equal(await rowFor(page, name).count(), 2);
    await page.getByTestId("key-reveal-done").click();
  });

  it("deletes a key after confirmation; the secret gets 401 at once", async () => {
    const { page, errors } = admin;
    const row = rowFor(page, keyName);
    await row.getByTestId("key-delete").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    assert.match(
      await dialog.getByTestId("confirm-message").textContent(),
      /This immediately invalidates the key/,
    );
    await dialog.getByTestId("confirm-cancel").click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(await row.count(), 1, "cancel keeps the key");
    assert.equal(await statusWithKey(rotatedSecret), 200);

    await row.getByTestId("key-delete").click();
    await page.getByTestId("confirm-ok").click();
    await row.waitFor({ state: "detached" });
    assert.match(await page.getByTestId("key-notice").textContent(), /was deleted/);
    assert.equal(await statusWithKey(rotatedSecret), 401);
    await page.reload();
    await page.getByTestId("key-row").first().waitFor();
    assert.equal(await rowFor(page, keyName).count(), 0);
    assert.deepEqual(errors, []);
  });

  it("shows members the list without create, rotate or delete", async () => {
    const memberEmail = uniqueEmail("keys-member");
    const added = await admin.page.request.post("/v1/users", {
      headers: { origin: BASE_URL },
      data: { email: memberEmail, role: "member", password: PASSWORD },
    });
    assert.equal(added.status(), 201);
    const member = await newPage(browser);
    try {
      await logInThroughUi(member.page, { email: memberEmail });
      const { page } = member;
      await page.getByTestId("key-row").first().waitFor();
      assert.equal(await page.getByTestId("key-new-button").count(), 0);
      assert.equal(await page.getByTestId("key-create-form").count(), 0);
      assert.equal(await page.getByTestId("key-rotate").count(), 0);
      assert.equal(await page.getByTestId("key-delete").count(), 0);
      await page.getByTestId("key-admin-only").waitFor();
      assert.deepEqual(member.errors, []);
    } finally {
      await member.context.close();
    }
  });
});
