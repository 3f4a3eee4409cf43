import { Header } from "../header";
import { Layout } from "../layout";
import { apiKeysSection } from "../sections/api-keys";
import { phoneNumbersSection } from "../sections/phone-numbers";
import { subAccountsSection } from "../sections/sub-accounts";
import { teamSection } from "../sections/team";
import type { DashboardSection, PageSettings, Viewer } from "../sections/types";
import { webhooksSection } from "../sections/webhooks";

/** The page's sections, in display order. */
export const SECTIONS: DashboardSection[] = [
  apiKeysSection,
  webhooksSection,
  phoneNumbersSection,
  subAccountsSection,
  teamSection,
];

export function DashboardPage({
  nonce,
  viewer,
  settings,
}: {
  nonce: string;
  viewer: Viewer;
  settings: PageSettings;
}) {
  return (
    <Layout
      title="API & Integrations"
      nonce={nonce}
      data={{
        "user-id": viewer.user.id,
        email: viewer.user.email,
        role: viewer.user.role,
        "account-id": viewer.account.id,
        "home-account-id": viewer.home.id,
        "account-name": viewer.account.name,
        // Read by lib/api.ts: every API call then carries Switchboard-Account.
        ...(viewer.account.id === viewer.home.id ? {} : { "acting-account": viewer.account.id }),
      }}
      entry="dashboard"
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
        {SECTIONS.map((section) => section.render(viewer, settings))}
      </main>
    </Layout>
  );
}
