// Signup, logout, login and readable validation errors, driven through the real pages.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  launchBrowser,
  logInThroughUi,
  newPage,
  PASSWORD,
  signUpThroughUi,
  unique,
  uniqueEmail,
} from "./helpers.mjs";

describe("accounts through the dashboard", () => {
  let browser;
  let session;
  const accountName = `Acme <b>${unique("co")}</b>`;
  const email = uniqueEmail("founder");

  before(async () => {
    browser = await launchBrowser();
    session = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
  });

  it("sends a logged-out visitor from / to the login page", async () => {
    const { page } = session;
    await page.goto("/");
    assert.match(new URL(page.url()).pathname, /^\/login$/);
    await page.getByTestId("signup-link").click();
    await page.waitForURL("**/signup");
  });

  it("shows a weak-password 422 readably on signup", async () => {
    const { page } = session;
    await page.goto("/signup");
    await page.getByTestId("signup-account-name").fill("Weak Co");
    await page.getByTestId("signup-email").fill(uniqueEmail("weak"));
    await page.getByTestId("signup-password").fill("short");
    await page.getByTestId("signup-submit").click();
    const error = page.getByTestId("signup-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /Please fix the following/);
    const details = await error.getByTestId("error-details").locator("li").allInnerTexts();
    assert.deepEqual(details, ["Password must be at least 10 characters."]);
    assert.match(await error.textContent(), /validation_failed/);
    assert.match(new URL(page.url()).pathname, /^\/signup$/, "stays on the form");
  });

  it("signs up and lands on the dashboard showing the account", async () => {
    const { page, errors } = session;
    await signUpThroughUi(page, { accountName, email });
    // Rendered as text, never as markup.
    assert.equal(await page.getByTestId("account-name").textContent(), accountName);
    assert.equal(await page.getByTestId("user-email").textContent(), email);
    assert.equal(await page.getByTestId("user-role").textContent(), "admin");
    assert.equal(await page.locator("h1").textContent(), "API & Integrations");
    assert.equal(await page.locator("b").count(), 0);
    await page.getByTestId("team-row").first().waitFor();
    assert.deepEqual(errors, []);
  });

  it("logs out back to the login page, and the dashboard then asks for a login", async () => {
    const { page } = session;
    await page.getByTestId("logout-button").click();
    await page.waitForURL("**/login");
    await page.goto("/dashboard");
    assert.match(new URL(page.url()).pathname, /^\/login$/);
  });

  it("rejects a wrong password with a readable message", async () => {
    const { page } = session;
    await page.goto("/login");
    await page.getByTestId("login-email").fill(email);
    await page.getByTestId("login-password").fill("not the password");
    await page.getByTestId("login-submit").click();
    const error = page.getByTestId("login-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /invalid_credentials/);
  });

  it("logs in again and returns to the dashboard", async () => {
    const { page, errors } = session;
    await logInThroughUi(page, { email, password: PASSWORD });
    assert.equal(await page.getByTestId("account-name").textContent(), accountName);
    await page.goto("/login");
    assert.match(new URL(page.url()).pathname, /^\/dashboard$/, "logged-in users skip the form");
    assert.deepEqual(errors, []);
  });
});
