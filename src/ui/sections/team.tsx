import type { DashboardSection, Viewer } from "./types";

const TEAM_SCRIPT = `
(function () {
  var root = document.querySelector('[data-testid="team-section"]');
  if (!root) return;
  var list = root.querySelector('[data-testid="team-list"]');
  var status = root.querySelector('[data-testid="team-status"]');
  var errorBox = root.querySelector('[data-testid="team-error"]');
  var notice = root.querySelector('[data-testid="team-notice"]');
  var more = root.querySelector('[data-testid="team-more"]');
  var form = root.querySelector('[data-testid="team-add-form"]');
  var formError = root.querySelector('[data-testid="team-add-error"]');
  var cursor = null;

  function article(role) {
    return role === "admin" ? "an admin" : "a member";
  }

  function roleCell(user) {
    var td = SB.el("td");
    if (!SB.isAdmin) {
      td.append(SB.el("span", { text: user.role, testid: "team-role" }));
      return td;
    }
    var select = SB.el("select", { testid: "team-role-select", "aria-label": "Role of " + user.email }, [
      SB.el("option", { value: "admin", text: "Admin" }),
      SB.el("option", { value: "member", text: "Member" }),
    ]);
    select.value = user.role;
    select.addEventListener("change", async function () {
      var previous = user.role;
      SB.clearError(errorBox);
      select.disabled = true;
      try {
        var updated = await SB.api("PATCH", "/v1/users/" + encodeURIComponent(user.id), { role: select.value });
        user.role = updated.role;
        if (SB.me && user.id === SB.me.id) {
          location.reload();
          return;
        }
        SB.flash(notice, user.email + " is now " + article(updated.role) + ".");
      } catch (error) {
        select.value = previous;
        SB.showError(errorBox, error);
      } finally {
        select.disabled = false;
      }
    });
    td.append(select);
    return td;
  }

  function row(user) {
    var emailCell = SB.el("td", null, [SB.el("span", { text: user.email, testid: "team-email" })]);
    if (SB.me && user.id === SB.me.id) emailCell.append(SB.el("span", { class: "badge", text: "You" }));
    return SB.el("tr", { testid: "team-row", "data-user-id": user.id }, [
      emailCell,
      roleCell(user),
      SB.el("td", { class: "muted", text: SB.formatTime(user.created_at) }),
    ]);
  }

  async function load(reset) {
    SB.clearError(errorBox);
    if (reset) cursor = null;
    var path = "/v1/users?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      var page = await SB.api("GET", path);
      if (reset) list.replaceChildren();
      page.data.forEach(function (user) { list.append(row(user)); });
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
      status.textContent = "Nobody here yet.";
      status.hidden = list.children.length > 0;
    } catch (error) {
      status.hidden = true;
      if (error.status === 401) return location.assign("/login");
      SB.showError(errorBox, error);
    }
  }

  more.addEventListener("click", function () { load(false); });
  if (form) {
    SB.bindForm(form, formError, "POST", "/v1/users", async function (user) {
      form.reset();
      SB.flash(notice, user.email + " was added as " + article(user.role) + ".");
      await load(true);
    });
  }
  load(true);
})();
`;

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
  script: TEAM_SCRIPT,
};
