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
      {viewer.account.id === viewer.home.id ? null : (
        <span class="badge" data-testid="acting-badge">
          sub-account of {viewer.home.name}
        </span>
      )}
      {/* Filled by client/sections/account-switcher.ts for admins whose account has sub-accounts. */}
      {viewer.user.role === "admin" ? (
        <label class="switcher" data-testid="account-switcher-wrap" hidden>
          <span class="hint">Account</span>
          <select data-testid="account-switcher" aria-label="Act in account" />
        </label>
      ) : null}
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
