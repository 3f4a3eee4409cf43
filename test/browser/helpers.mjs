// Shared setup for the browser tests: a headless Chromium pointed at the worker that run.mjs
// started (BASE_URL), and helpers for data every test needs.
import { chromium } from "playwright-core";

export const BASE_URL = process.env.BASE_URL ?? "http://localhost:8787";
export const PASSWORD = "correct horse battery";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A fresh context (own cookie jar) whose uncaught page errors fail the test that caused them. */
export async function newPage(browser) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1200, height: 900 },
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of (4\d\d)/.test(message.text())) {
      errors.push(new Error(message.text()));
    }
  });
  return { context, page, errors };
}

let counter = 0;
export const unique = (label) =>
  `${label}-${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const uniqueEmail = (label = "user") => `${unique(label)}@example.com`;

/** Signs up through the signup form and waits for the dashboard. */
export async function signUpThroughUi(page, { accountName, email, password = PASSWORD }) {
  await page.goto("/signup");
  await page.getByTestId("signup-account-name").fill(accountName);
  await page.getByTestId("signup-email").fill(email);
  await page.getByTestId("signup-password").fill(password);
  await page.getByTestId("signup-submit").click();
  await page.waitForURL("**/dashboard");
}

export async function logInThroughUi(page, { email, password = PASSWORD }) {
  await page.goto("/login");
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL("**/dashboard");
}
