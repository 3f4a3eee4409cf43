// The dashboard's Team section: listing, adding people, changing roles, member view.
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

const SCREENSHOT = process.env.SCREENSHOT_PATH ?? "/tmp/switchboard-dashboard.png";

describe("team section", () => {
  let browser;
  let admin;
  const adminEmail = uniqueEmail("admin");
  const memberEmail = uniqueEmail("member");

  before(async () => {
    browser = await launchBrowser();
    admin = await newPage(browser);
    await signUpThroughUi(admin.page, { accountName: `Team ${unique("co")}`, email: adminEmail });
  });
  after(async () => {
    await browser?.close();
  });

  const rowFor = (page, email) => page.getByTestId("team-row").filter({ hasText: email });

  it("lists the admin who signed up", async () => {
    const row = rowFor(admin.page, adminEmail);
    await row.waitFor();
    assert.match(await row.textContent(), /You/);
    assert.equal(await row.getByTestId("team-role-select").inputValue(), "admin");
  });

  it("adds a member, who then appears in the list", async () => {
    const { page, errors } = admin;
    await page.getByTestId("team-add-email").fill(memberEmail);
    await page.getByTestId("team-add-role").selectOption("member");
    await page.getByTestId("team-add-password").fill(PASSWORD);
    await page.getByTestId("team-add-submit").click();
    const row = rowFor(page, memberEmail);
    await row.waitFor();
    assert.equal(await row.getByTestId("team-role-select").inputValue(), "member");
    assert.match(await page.getByTestId("team-notice").textContent(), /was added as a member/);
    assert.equal(await page.getByTestId("team-add-email").inputValue(), "", "form is reset");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });

  it("shows a duplicate email as a readable conflict", async () => {
    const { page } = admin;
    await page.getByTestId("team-add-email").fill(memberEmail);
    await page.getByTestId("team-add-password").fill(PASSWORD);
    await page.getByTestId("team-add-submit").click();
    const error = page.getByTestId("team-add-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /already exists/);
    assert.match(await error.textContent(), /email_taken/);
  });

  it("changes a role, and the change survives a reload", async () => {
    const { page } = admin;
    await rowFor(page, memberEmail).getByTestId("team-role-select").selectOption("admin");
    await page.getByTestId("team-notice").filter({ hasText: "is now an admin" }).waitFor();
    await page.reload();
    const select = rowFor(page, memberEmail).getByTestId("team-role-select");
    await select.waitFor();
    assert.equal(await select.inputValue(), "admin");
    await select.selectOption("member");
    await page.getByTestId("team-notice").filter({ hasText: "is now a member" }).waitFor();
  });

  it("gives members a read-only view", async () => {
    const member = await newPage(browser);
    try {
      await logInThroughUi(member.page, { email: memberEmail });
      const { page } = member;
      await rowFor(page, adminEmail).waitFor();
      assert.equal(await page.getByTestId("user-role").textContent(), "member");
      assert.equal(await page.getByTestId("team-add-form").count(), 0);
      assert.equal(await page.getByTestId("team-role-select").count(), 0);
      await page.getByTestId("team-admin-only").waitFor();
      assert.deepEqual(member.errors, []);
    } finally {
      await member.context.close();
    }
  });
});
