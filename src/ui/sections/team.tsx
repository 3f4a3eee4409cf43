import type { DashboardSection, Viewer } from "./types";

function AddUserForm() {
  return (
    <form class="inline-form" data-testid="team-add-form" method="post" novalidate>
      <h3>Add a person</h3>
      <div>
        <label for="team-add-email">Email</label>
        <input id="team-add-email" name="email" type="email" data-testid="team-add-email" />
      </div>
      <div>
        <label for="team-add-role">Role</label>
        <select id="team-add-role" name="role" data-testid="team-add-role">
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </select>
      </div>
      <div>
        <label for="team-add-password">
          Initial password <span class="hint">(10+ characters)</span>
        </label>
        <input
          id="team-add-password"
          name="password"
          type="password"
          autocomplete="new-password"
          data-testid="team-add-password"
        />
      </div>
      <button type="submit" class="primary" data-testid="team-add-submit">
        Add
      </button>
      <div class="alert alert-error" data-testid="team-add-error" role="alert" hidden />
    </form>
  );
}

function TeamSection({ viewer }: { viewer: Viewer }) {
  const isAdmin = viewer.user.role === "admin";
  return (
    <section id="team" class="card" data-testid="team-section">
      <div class="card-head">
        <h2>Team</h2>
      </div>
      <p class="muted">
        People who can sign in to {viewer.account.name}. Admins manage API keys, webhooks and the
        team; members can view everything.
      </p>
      <div class="alert alert-ok" data-testid="team-notice" role="status" hidden />
      <div class="alert alert-error" data-testid="team-error" role="alert" hidden />
      <div class="table-wrap">
        <table data-testid="team-table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Added</th>
            </tr>
          </thead>
          <tbody data-testid="team-list" />
        </table>
      </div>
      <p class="muted" data-testid="team-status">
        Loading…
      </p>
      <button type="button" data-testid="team-more" hidden>
        Load more
      </button>
      {isAdmin ? (
        <AddUserForm />
      ) : (
        <p class="muted" data-testid="team-admin-only">
          Only account admins can add people or change roles.
        </p>
      )}
    </section>
  );
}

export const teamSection: DashboardSection = {
  id: "team",
  title: "Team",
  render: (viewer) => <TeamSection viewer={viewer} />,
};
