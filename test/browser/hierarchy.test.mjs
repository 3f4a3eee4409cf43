// The dashboard's account switcher, Sub-accounts section (create, rename) and Phone numbers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchBrowser, newPage, signUpThroughUi, unique, uniqueEmail } from "./helpers.mjs";

const uniqueNumber = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

describe("sub-accounts, switcher and numbers", () => {
  let browser;
  let admin;
  const orgName = `Org ${unique("co")}`;
  const childName = `East ${unique("sub")}`;

  before(async () => {
    browser = await launchBrowser();
    admin = await newPage(browser);
    await signUpThroughUi(admin.page, { accountName: orgName, email: uniqueEmail("org") });
  });
  after(async () => {
    await browser?.close();
  });

  it("hides the switcher while the account has no sub-accounts", async () => {
    const { page } = admin;
    await page.getByTestId("subaccounts-status").filter({ hasText: "No sub-accounts" }).waitFor();
    assert.equal(await page.getByTestId("account-switcher-wrap").isHidden(), true);
  });

  it("creates a sub-account and renames it", async () => {
    const { page, errors } = admin;
    await page.getByTestId("subaccounts-add-name").fill("Draft name");
    await page.getByTestId("subaccounts-add-submit").click();
    const draft = page.getByTestId("subaccount-row").filter({ hasText: "Draft name" });
    await draft.waitFor();
    // While renaming, the name is an input's value, not text: find the row by its id.
    const id = await draft.getAttribute("data-account-id");
    const row = page.locator(`[data-testid="subaccount-row"][data-account-id="${id}"]`);
    await row.getByTestId("subaccount-rename").click();
    await row.getByTestId("subaccount-rename-input").fill(childName);
    await row.getByTestId("subaccount-rename-save").click();
    await page.getByTestId("subaccount-row").filter({ hasText: childName }).waitFor();
    assert.match(await page.getByTestId("subaccounts-notice").textContent(), /Renamed/);
    // Empty names are refused with the API's message, and nothing is created.
    await page.getByTestId("subaccounts-add-submit").click();
    await page.getByTestId("subaccounts-add-error").waitFor({ state: "visible" });
    assert.equal(await page.getByTestId("subaccount-row").count(), 1);
    assert.deepEqual(errors, []);
  });

  it("switches into the sub-account and back; each account sees its own numbers", async () => {
    const { page, errors } = admin;
    const orgNumber = uniqueNumber();
    await page.getByTestId("numbers-add-number").fill(orgNumber);
    await page.getByTestId("numbers-add-mode").selectOption("test");
    await page.getByTestId("numbers-add-submit").click();
    await page.getByTestId("number-row").filter({ hasText: orgNumber }).waitFor();

    await page.reload();
    const switcher = page.getByTestId("account-switcher");
    await page.getByTestId("account-switcher-wrap").waitFor({ state: "visible" });
    const options = await switcher.locator("option").allTextContents();
    assert.ok(options.includes(childName), `switcher lists ${childName}: ${options}`);
    await switcher.selectOption({ label: childName });
    await page.waitForURL(/\/dashboard\?account=acct_/);
    assert.equal(await page.getByTestId("account-name").textContent(), childName);
    await page.getByTestId("acting-badge").waitFor();
    await page.getByTestId("numbers-status").filter({ hasText: "No numbers" }).waitFor();
    assert.equal(await page.getByTestId("number-row").count(), 0, "the org's number is not here");

    const childNumber = uniqueNumber();
    await page.getByTestId("numbers-add-number").fill(childNumber);
    await page.getByTestId("numbers-add-mode").selectOption("test");
    await page.getByTestId("numbers-add-submit").click();
    await page.getByTestId("number-row").filter({ hasText: childNumber }).waitFor();
    // The org's number cannot be claimed by the sub-account (one owner per number and mode).
    await page.getByTestId("numbers-add-number").fill(orgNumber);
    await page.getByTestId("numbers-add-mode").selectOption("test");
    await page.getByTestId("numbers-add-submit").click();
    await page
      .getByTestId("numbers-add-error")
      .filter({ hasText: /already in use/ })
      .waitFor();

    await switcher.selectOption({ index: 0 });
    await page.waitForURL(/\/dashboard$/);
    assert.equal(await page.getByTestId("account-name").textContent(), orgName);
    await page.getByTestId("number-row").filter({ hasText: orgNumber }).waitFor();
    assert.equal(await page.getByTestId("number-row").filter({ hasText: childNumber }).count(), 0);

    const row = page.getByTestId("number-row").filter({ hasText: orgNumber });
    await row.getByTestId("number-release").click();
    await page.getByTestId("numbers-notice").filter({ hasText: "released" }).waitFor();
    // The notice comes before the list reloads: wait for the row itself to go.
    await row.waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("number-row").count(), 0);
    assert.deepEqual(errors, []);
  });

  it("a URL naming an account that is not below yours shows your own account", async () => {
    const { page } = admin;
    await page.goto("/dashboard?account=acct_0000000000000000000000");
    await page.waitForURL(/\/dashboard$/);
    assert.equal(await page.getByTestId("account-name").textContent(), orgName);
  });
});
