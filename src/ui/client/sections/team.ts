/** Browser side of the Team section (src/ui/sections/team.tsx): people, roles, adding someone. */
import { api, isSignedOut, type Page } from "../lib/api";
import { byTestId, el, maybeByTestId } from "../lib/dom";
import { clearError, flash, showError } from "../lib/errors";
import { bindForm } from "../lib/forms";
import { timeNode } from "../lib/time";
import { isAdmin, me } from "../lib/viewer";

interface TeamUser {
  id: string;
  email: string;
  role: "admin" | "member";
  created_at: string;
}

const article = (role: string) => (role === "admin" ? "an admin" : "a member");

export function mountTeam(): void {
  const root = maybeByTestId(document, "team-section");
  if (!root) return;
  const list = byTestId(root, "team-list");
  const status = byTestId(root, "team-status");
  const errorBox = byTestId(root, "team-error");
  const notice = byTestId(root, "team-notice");
  const more = byTestId<HTMLButtonElement>(root, "team-more");
  const form = maybeByTestId<HTMLFormElement>(root, "team-add-form");
  let cursor: string | null = null;

  function roleCell(user: TeamUser) {
    const td = el("td");
    if (!isAdmin) {
      td.append(el("span", { text: user.role, testid: "team-role" }));
      return td;
    }
    const select = el(
      "select",
      { testid: "team-role-select", "aria-label": `Role of ${user.email}` },
      [
        el("option", { value: "admin", text: "Admin" }),
        el("option", { value: "member", text: "Member" }),
      ],
    );
    select.value = user.role;
    select.addEventListener("change", async () => {
      const previous = user.role;
      clearError(errorBox);
      select.disabled = true;
      try {
        const updated = await api<TeamUser>("PATCH", `/v1/users/${encodeURIComponent(user.id)}`, {
          role: select.value,
        });
        user.role = updated.role;
        // Changing one's own role changes what this page may show: render it again.
        if (me && user.id === me.id) return location.reload();
        flash(notice, `${user.email} is now ${article(updated.role)}.`);
      } catch (error) {
        select.value = previous;
        showError(errorBox, error);
      } finally {
        select.disabled = false;
      }
    });
    td.append(select);
    return td;
  }

  function row(user: TeamUser) {
    const emailCell = el("td", null, [el("span", { text: user.email, testid: "team-email" })]);
    if (me && user.id === me.id) emailCell.append(el("span", { class: "badge", text: "You" }));
    return el("tr", { testid: "team-row", "data-user-id": user.id }, [
      emailCell,
      roleCell(user),
      el("td", { class: "muted" }, [timeNode(user.created_at)]),
    ]);
  }

  async function load(reset: boolean) {
    clearError(errorBox);
    if (reset) cursor = null;
    const path = `/v1/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      const page = await api<Page<TeamUser>>("GET", path);
      if (reset) list.replaceChildren();
      for (const user of page.data) list.append(row(user));
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
      status.textContent = "Nobody here yet.";
      status.hidden = list.children.length > 0;
    } catch (error) {
      status.hidden = true;
      if (!isSignedOut(error)) showError(errorBox, error);
    }
  }

  more.addEventListener("click", () => load(false));
  if (form) {
    bindForm<TeamUser>(
      form,
      byTestId(root, "team-add-error"),
      "POST",
      "/v1/users",
      async (user) => {
        form.reset();
        flash(notice, `${user.email} was added as ${article(user.role)}.`);
        await load(true);
      },
    );
  }
  void load(true);
}
