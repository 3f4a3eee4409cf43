import { describe, expect, it } from "vitest";
import { subAccount } from "../accounts/support";
import { call, signup } from "../helpers";

/** The dashboard acts in a sub-account only when it is below the user's own account. */
describe("dashboard ?account=", () => {
  it("renders a descendant's page marked for Switchboard-Account; anything else redirects home", async () => {
    const org = await signup();
    const child = await subAccount(org, undefined, "Child Co");
    const stranger = await signup();

    const acting = await call(`/dashboard?account=${child.id}`, { cookie: org.cookie });
    expect(acting.status).toBe(200);
    const html = await acting.text();
    expect(html).toContain(`data-acting-account="${child.id}"`);
    expect(html).toContain(`data-home-account-id="${org.accountId}"`);
    expect(html).toContain('data-testid="acting-badge"');
    expect(html).toContain("Child Co");

    const home = await call("/dashboard", { cookie: org.cookie });
    expect(await home.text()).not.toContain("data-acting-account");

    // Anything not below the user's own account lands on their own page (a redirect, which
    // the test fetch follows), never on the other account's.
    for (const [cookie, target] of [
      [org.cookie, stranger.accountId],
      [org.cookie, "acct_0000000000000000000000"],
      [org.cookie, "nonsense"],
      [stranger.cookie, org.accountId],
    ] as const) {
      const response = await call(`/dashboard?account=${encodeURIComponent(target)}`, { cookie });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain("data-acting-account");
      expect(text).not.toContain(`data-account-id="${target}"`);
      if (target !== "nonsense") expect(response.redirected).toBe(true);
    }
  });
});
