/** Browser side of the Sub-accounts section (src/ui/sections/sub-accounts.tsx). */
import { api, isSignedOut, type Page } from "../lib/api";
import { byTestId, el, maybeByTestId } from "../lib/dom";
import { clearError, flash, showError } from "../lib/errors";
import { bindForm } from "../lib/forms";
import { isAdmin } from "../lib/viewer";

interface SubAccount {
  id: string;
  name: string;
  slug: string;
}

export function mountSubAccounts(): void {
  const root = maybeByTestId(document, "subaccounts-section");
  if (!root) return;
  const list = byTestId(root, "subaccounts-list");
  const status = byTestId(root, "subaccounts-status");
  const errorBox = byTestId(root, "subaccounts-error");
  const notice = byTestId(root, "subaccounts-notice");
  const form = maybeByTestId<HTMLFormElement>(root, "subaccounts-add-form");

  function renameControls(account: SubAccount, nameCell: HTMLElement) {
    const input = el("input", {
      value: account.name,
      "aria-label": `New name for ${account.name}`,
      testid: "subaccount-rename-input",
    });
    const save = el("button", { type: "button", text: "Save", testid: "subaccount-rename-save" });
    save.addEventListener("click", async () => {
      clearError(errorBox);
      save.disabled = true;
      try {
        const renamed = await api<SubAccount>(
          "PATCH",
          `/v1/accounts/${encodeURIComponent(account.id)}`,
          {
            name: input.value.trim(),
          },
        );
        flash(notice, `Renamed to ${renamed.name}.`);
        await load();
      } catch (error) {
        save.disabled = false;
        showError(errorBox, error);
      }
    });
    nameCell.replaceChildren(input, save);
    input.focus();
  }

  function row(account: SubAccount) {
    const nameCell = el("td", null, [
      el("span", { text: account.name, testid: "subaccount-name" }),
    ]);
    const actions = el("td", null, [
      el("a", {
        href: `/dashboard?account=${encodeURIComponent(account.id)}`,
        text: "Open",
        testid: "subaccount-open",
      }),
    ]);
    if (isAdmin) {
      const rename = el("button", { type: "button", text: "Rename", testid: "subaccount-rename" });
      rename.addEventListener("click", () => renameControls(account, nameCell));
      actions.append(" ", rename);
    }
    return el("tr", { testid: "subaccount-row", "data-account-id": account.id }, [
      nameCell,
      el("td", null, [el("code", { text: account.slug })]),
      actions,
    ]);
  }

  async function load() {
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      const page = await api<Page<SubAccount>>("GET", "/v1/accounts?limit=100");
      list.replaceChildren(...page.data.map(row));
      status.textContent = "No sub-accounts yet.";
      status.hidden = page.data.length > 0;
    } catch (error) {
      status.hidden = true;
      if (!isSignedOut(error)) showError(errorBox, error);
    }
  }

  if (form) {
    bindForm<SubAccount>(
      form,
      byTestId(form, "subaccounts-add-error"),
      "POST",
      "/v1/accounts",
      async (created) => {
        form.reset();
        flash(notice, `${created.name} was created.`);
        await load();
      },
    );
  }
  void load();
}
