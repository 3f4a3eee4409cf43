import type { Viewer } from "./sections/types";

/** Top bar of the dashboard: account, who is logged in, logout (wired in pages/dashboard). */
export function Header({ viewer }: { viewer: Viewer }) {
  return (
    <header class="topbar" data-testid="topbar">
      <a class="brand" href="/dashboard">
        Switchboard
      </a>
      <span class="account" data-testid="account-name">
        {viewer.account.name}
      </span>
      <span class="spacer" />
      <span class="who">
        <span data-testid="user-email">{viewer.user.email}</span>
        {" · "}
        <span data-testid="user-role">{viewer.user.role}</span>
      </span>
      <button type="button" data-testid="logout-button">
        Log out
      </button>
    </header>
  );
}
