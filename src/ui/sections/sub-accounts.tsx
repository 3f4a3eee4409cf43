import type { DashboardSection, Viewer } from "./types";

/** The accounts directly below this one (TextUs' org account and its messaging accounts). */
function SubAccountsSection({ viewer }: { viewer: Viewer }) {
  const isAdmin = viewer.user.role === "admin";
  return (
    <section id="sub-accounts" class="card" data-testid="subaccounts-section">
      <div class="card-head">
        <h2>Sub-accounts</h2>
      </div>
      <p class="muted">
        Accounts below {viewer.account.name}. Each has its own keys, numbers and webhooks; admins
        here can open and manage them, and webhooks with “include sub-accounts” receive their
        events.
      </p>
      <div class="alert alert-ok" data-testid="subaccounts-notice" role="status" hidden />
      <div class="alert alert-error" data-testid="subaccounts-error" role="alert" hidden />
      <div class="table-wrap">
        <table data-testid="subaccounts-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Slug</th>
              <th />
            </tr>
          </thead>
          <tbody data-testid="subaccounts-list" />
        </table>
      </div>
      <p class="muted" data-testid="subaccounts-status">
        Loading…
      </p>
      {isAdmin ? (
        <form class="inline-form" data-testid="subaccounts-add-form" method="post" novalidate>
          <h3>Create a sub-account</h3>
          <div>
            <label for="subaccounts-add-name">Name</label>
            <input id="subaccounts-add-name" name="name" data-testid="subaccounts-add-name" />
          </div>
          <button type="submit" class="primary" data-testid="subaccounts-add-submit">
            Create
          </button>
          <div class="alert alert-error" data-testid="subaccounts-add-error" role="alert" hidden />
        </form>
      ) : null}
    </section>
  );
}

export const subAccountsSection: DashboardSection = {
  id: "sub-accounts",
  title: "Sub-accounts",
  render: (viewer) => <SubAccountsSection viewer={viewer} />,
};
