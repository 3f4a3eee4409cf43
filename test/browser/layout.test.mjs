// SPEC §8 on every page at 375 px and 1280 px: no sideways scrolling (also with the forms and
// panels open), every request goes to the worker itself (no CDN, works offline), and no script
// error or CSP violation. The dashboard has a key, a webhook with delivery health and a team.
// LAYOUT_SCREENSHOT_DIR=/some/dir saves a full-page screenshot of each page at each width.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  apiAsPage,
  BASE_URL,
  foreignRequests,
  launchBrowser,
  newPage,
  recordRequests,
  sidewaysOverflow,
  signUpThroughUi,
  unique,
  uniqueEmail,
} from "./helpers.mjs";
import { eventually, startScriptedReceiver } from "./receiver.mjs";

const WIDTHS = [375, 1280];
/** The webhook that has real deliveries (a long URL, the kind that pushes a page sideways). */
const DELIVERED_PATH = "/a/rather/long/path/that/does/not/wrap/nicely?tenant=layout-test";
const delivered = (page) =>
  page.getByTestId("webhook-item").filter({ hasText: "tenant=layout-test" });

/** The reference's bundle sets a few cosmetic style attributes that the strict CSP refuses. */
const isBlockedStyleAttribute = (error) => /Applying inline style violates/.test(error.message);

describe("every page, narrow and wide", () => {
  let browser;
  let storageState;
  let receiver;

  before(async () => {
    receiver = await startScriptedReceiver([200]);
    browser = await launchBrowser();
    const admin = await newPage(browser);
    // A long account name and URL: the kind of data that pushes a narrow page sideways.
    await signUpThroughUi(admin.page, {
      accountName: `Layout ${unique("company-with-a-rather-long-name")}`,
      email: uniqueEmail("layout-admin-with-a-long-address"),
    });
    const key = await apiAsPage(admin.page, "POST", "/v1/api-keys", {
      name: "Point of sale integration",
      environment: "test",
    });
    await apiAsPage(admin.page, "POST", "/v1/webhooks", {
      url: `${receiver.url}${DELIVERED_PATH}`,
      events: ["message.sent"],
    });
    const sent = await fetch(`${BASE_URL}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
      body: JSON.stringify({ to: "+15555550123", body: "Layout check" }),
    });
    assert.equal(sent.status, 202);
    await eventually(() => receiver.requests.length >= 1, { what: "one delivery" });
    storageState = await admin.context.storageState();
    await admin.context.close();
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
  });

  /** Opens a page at a width, runs steps, and checks overflow after each and origins at the end. */
  async function check(width, { signedIn = false, path, ready, steps = [], ignore = () => false }) {
    const { context, page, errors } = await newPage(browser, {
      width,
      height: 800,
      ...(signedIn ? { storageState } : {}),
    });
    const urls = recordRequests(page);
    // A load the CSP blocks never shows up as a request; its violation report names the URL.
    await page.addInitScript(() => {
      window.__blocked = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        window.__blocked.push(event.blockedURI);
      });
    });
    try {
      await page.goto(path);
      await ready(page);
      assert.equal(await sidewaysOverflow(page), 0, `${path} scrolls sideways at ${width} px`);
      for (const [label, step] of steps) {
        await step(page);
        assert.equal(
          await sidewaysOverflow(page),
          0,
          `${path} scrolls sideways at ${width} px after: ${label}`,
        );
      }
      if (process.env.LAYOUT_SCREENSHOT_DIR) {
        const name = path.replace(/\W+/g, "") || "root";
        await page.screenshot({
          path: join(process.env.LAYOUT_SCREENSHOT_DIR, `${name}-${width}.png`),
          fullPage: true,
        });
      }
      assert.ok(urls.length > 1, "the page loaded its assets");
      assert.deepEqual(foreignRequests(urls), [], `${path} requested another origin`);
      const blocked = await page.evaluate(() => window.__blocked);
      assert.deepEqual(
        foreignRequests(blocked.filter((uri) => /^https?:/.test(uri))),
        [],
        `${path} tried to reach another origin`,
      );
      assert.deepEqual(
        errors.filter((error) => !ignore(error)),
        [],
      );
    } finally {
      await context.close();
    }
  }

  for (const width of WIDTHS) {
    it(`login at ${width} px`, () =>
      check(width, {
        path: "/login",
        ready: (page) => page.getByTestId("login-form").waitFor(),
        steps: [
          [
            "a failed login",
            async (page) => {
              await page.getByTestId("login-email").fill("nobody@example.com");
              await page.getByTestId("login-password").fill("wrong password!");
              await page.getByTestId("login-submit").click();
              await page.getByTestId("login-error").waitFor();
            },
          ],
        ],
      }));

    it(`sign-up at ${width} px`, () =>
      check(width, {
        path: "/signup",
        ready: (page) => page.getByTestId("signup-form").waitFor(),
        steps: [
          [
            "validation errors",
            async (page) => {
              await page.getByTestId("signup-password").fill("short");
              await page.getByTestId("signup-submit").click();
              await page.getByTestId("error-details").waitFor();
            },
          ],
        ],
      }));

    it(`dashboard (keys, webhooks, test, delivery health, team) at ${width} px`, () =>
      check(width, {
        signedIn: true,
        path: "/dashboard",
        ready: async (page) => {
          await page.getByTestId("key-row").first().waitFor();
          const health = delivered(page).getByTestId("webhook-health");
          await health.and(page.locator('[data-state="ready"]')).waitFor();
          await health.getByTestId("webhook-health-bar").first().waitFor();
          await page.getByTestId("team-row").first().waitFor();
        },
        steps: [
          [
            "the New API key form with its scopes",
            async (page) => {
              await page.getByTestId("key-new-button").click();
              await page.getByTestId("key-scopes").locator("summary").click();
            },
          ],
          [
            "a new key's copy-once reveal",
            async (page) => {
              await page.getByTestId("key-name").fill(`Key made at ${width} px`);
              await page.getByTestId("key-create-submit").click();
              await page.getByTestId("key-reveal-panel").waitFor();
              // The list reloads after the reveal; wait for it so later steps click live rows.
              await page
                .getByTestId("key-row")
                .filter({ hasText: `Key made at ${width} px` })
                .waitFor();
            },
          ],
          [
            "the rotate dialog",
            async (page) => {
              await page.getByTestId("key-rotate").first().click();
              await page.getByTestId("confirm-dialog").waitFor();
              assert.equal(await sidewaysOverflow(page), 0, "the dialog fits");
              await page.getByTestId("confirm-cancel").click();
              await page.getByTestId("confirm-dialog").waitFor({ state: "detached" });
            },
          ],
          [
            "the Add webhook form with its events",
            async (page) => {
              await page.getByTestId("webhook-new-button").click();
              await page.getByTestId("webhook-create-event").first().waitFor();
            },
          ],
          [
            "a new webhook's signing secret",
            async (page) => {
              await page.getByTestId("webhook-url-input").fill(`${receiver.url}/added-at-${width}`);
              await page.getByTestId("webhook-create-submit").click();
              await page.getByTestId("webhook-secret-reveal-panel").waitFor();
              // The list is rebuilt after the reveal: wait, or the next click hits a stale card.
              await page
                .getByTestId("webhook-item")
                .filter({ hasText: `added-at-${width}` })
                .waitFor();
            },
          ],
          [
            "the delivery log",
            async (page) => {
              await delivered(page).getByTestId("webhook-log").click();
              await delivered(page).getByTestId("webhook-delivery-row").first().waitFor();
            },
          ],
          [
            "a test send and its response",
            async (page) => {
              await delivered(page).getByTestId("webhook-test").click();
              await delivered(page).getByTestId("webhook-test-send").click();
              await delivered(page).getByTestId("webhook-test-status").waitFor();
            },
          ],
          [
            "the edit panel",
            async (page) => {
              await delivered(page).getByTestId("webhook-edit").click();
              await delivered(page).getByTestId("webhook-edit-url").waitFor();
            },
          ],
          [
            "adding a person to the team",
            async (page) => {
              await page.getByTestId("team-add-email").fill(uniqueEmail(`added-at-${width}`));
              await page.getByTestId("team-add-password").fill("correct horse battery");
              await page.getByTestId("team-add-submit").click();
              await page.getByTestId("team-notice").waitFor();
            },
          ],
        ],
      }));

    it(`API reference at ${width} px`, () =>
      check(width, {
        path: "/docs",
        ready: async (page) => {
          await page.getByRole("heading", { name: "Switchboard API", level: 1 }).waitFor();
          // The reference, not a blank page: the sidebar lists the API's groups.
          await page.getByText("Webhooks", { exact: true }).first().waitFor({ state: "attached" });
        },
        ignore: isBlockedStyleAttribute,
      }));
  }
});
