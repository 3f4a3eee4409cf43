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
export async function newPage(browser, { width = 1200, height = 900, storageState } = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width, height },
    ...(storageState ? { storageState } : {}),
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

/** Every URL the page requests, in order (SPEC §8: all of them must be the worker's own). */
export function recordRequests(page) {
  const urls = [];
  page.on("request", (request) => urls.push(request.url()));
  return urls;
}

/** URLs not served by the worker under test (data: URLs never leave the browser). */
export function foreignRequests(urls) {
  const origin = new URL(BASE_URL).origin;
  return urls.filter((url) => !url.startsWith("data:") && new URL(url).origin !== origin);
}

/** The page's width beyond the viewport: 0 when nothing scrolls sideways. */
export function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** JSON over the page's own cookie jar, as the dashboard calls the API (Origin for CSRF). */
export async function apiAsPage(page, method, path, body) {
  const response = await page.request.fetch(path, {
    method,
    headers: { origin: new URL(BASE_URL).origin, "content-type": "application/json" },
    ...(body === undefined ? {} : { data: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${text}`);
  return text ? JSON.parse(text) : null;
}
