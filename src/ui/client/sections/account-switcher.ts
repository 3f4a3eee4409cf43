/**
 * The top bar's account switcher (admins of an account with sub-accounts): picks the account
 * the whole page acts in. The choice lives in the URL (`/dashboard?account=…`), so the server
 * renders that account's page and every API call then carries Switchboard-Account.
 */
import { api, type Page } from "../lib/api";
import { el, maybeByTestId } from "../lib/dom";

interface AccountRow {
  id: string;
  name: string;
}

export async function mountAccountSwitcher(): Promise<void> {
  const wrap = maybeByTestId(document, "account-switcher-wrap");
  const select = maybeByTestId<HTMLSelectElement>(document, "account-switcher");
  if (!wrap || !select) return;
  const data = document.body.dataset;
  const home = data.homeAccountId ?? "";
  const current = data.accountId ?? home;
  let children: AccountRow[];
  try {
    // The user's own sub-accounts, whichever account the page acts in.
    children = (
      await api<Page<AccountRow>>("GET", "/v1/accounts?limit=100", undefined, { home: true })
    ).data;
  } catch {
    return; // The switcher is a convenience; the page works without it.
  }
  if (children.length === 0 && current === home) return;
  const homeName = document.querySelector("[data-testid=acting-badge]")
    ? "Your account"
    : (document.querySelector("[data-testid=account-name]")?.textContent ?? "Your account");
  const options: AccountRow[] = [{ id: home, name: homeName }, ...children];
  // A deeper account reached through a sub-account's own page stays selectable.
  if (!options.some((row) => row.id === current)) {
    options.push({ id: current, name: data.accountName ?? current });
  }
  select.replaceChildren(
    ...options.map((row) =>
      el("option", { value: row.id, text: row.name, testid: "account-option" }),
    ),
  );
  select.value = current;
  select.addEventListener("change", () => {
    const target = select.value;
    location.assign(
      target === home ? "/dashboard" : `/dashboard?account=${encodeURIComponent(target)}`,
    );
  });
  wrap.hidden = false;
}
