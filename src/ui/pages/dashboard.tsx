import { Header } from "../header";
import { Layout } from "../layout";
import { apiKeysSection } from "../sections/api-keys";
import { teamSection } from "../sections/team";
import type { DashboardSection, Viewer } from "../sections/types";
import { webhooksSection } from "../sections/webhooks";
import { CLIENT_WIDGETS } from "../widgets";

/** The page's sections, in display order. */
export const SECTIONS: DashboardSection[] = [apiKeysSection, webhooksSection, teamSection];

const SHELL_SCRIPT = `
(function () {
  var pageError = document.querySelector('[data-testid="page-error"]');
  var logout = document.querySelector('[data-testid="logout-button"]');
  logout.addEventListener("click", async function () {
    logout.disabled = true;
    try {
      await SB.api("POST", "/v1/auth/logout");
    } catch (error) {
      if (error.status !== 401) {
        SB.showError(pageError, error);
        logout.disabled = false;
        return;
      }
    }
    location.assign("/login");
  });
})();
`;

export function DashboardPage({ nonce, viewer }: { nonce: string; viewer: Viewer }) {
  return (
    <Layout
      title="API & Integrations"
      nonce={nonce}
      data={{
        "user-id": viewer.user.id,
        email: viewer.user.email,
        role: viewer.user.role,
        "account-id": viewer.account.id,
      }}
      scripts={[CLIENT_WIDGETS, SHELL_SCRIPT, ...SECTIONS.map((section) => section.script)]}
    >
      <Header viewer={viewer} />
      <main class="page" data-testid="dashboard">
        <div class="page-head">
          <h1>API &amp; Integrations</h1>
          <p class="muted">
            Connect your own systems to {viewer.account.name}: API keys, webhooks and the people who
            manage them.
          </p>
        </div>
        <div class="alert alert-error" data-testid="page-error" role="alert" hidden />
        <nav class="section-nav" aria-label="Sections">
          {SECTIONS.map((section) => (
            <a href={`#${section.id}`}>{section.title}</a>
          ))}
        </nav>
        {SECTIONS.map((section) => section.render(viewer))}
      </main>
    </Layout>
  );
}
