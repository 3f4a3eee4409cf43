/** Browser side of the Phone numbers section (src/ui/sections/phone-numbers.tsx). */
import { api, isSignedOut, type Page } from "../lib/api";
import { byTestId, el, maybeByTestId } from "../lib/dom";
import { clearError, flash, showError } from "../lib/errors";
import { formValues, setBusy } from "../lib/forms";
import { timeNode } from "../lib/time";
import { isAdmin } from "../lib/viewer";
import { badge } from "../lib/widgets";

interface PhoneNumber {
  id: string;
  number: string;
  livemode: boolean;
  created_at: string;
}

export function mountPhoneNumbers(): void {
  const root = maybeByTestId(document, "numbers-section");
  if (!root) return;
  const list = byTestId(root, "numbers-list");
  const status = byTestId(root, "numbers-status");
  const errorBox = byTestId(root, "numbers-error");
  const notice = byTestId(root, "numbers-notice");
  const form = maybeByTestId<HTMLFormElement>(root, "numbers-add-form");

  function row(number: PhoneNumber) {
    const cells = [
      el("td", null, [el("code", { text: number.number, testid: "number-value" })]),
      el("td", null, [
        number.livemode
          ? badge("live", "live", "number-mode")
          : badge("test", "test", "number-mode"),
      ]),
      el("td", { class: "muted" }, [timeNode(number.created_at)]),
    ];
    if (isAdmin) {
      const release = el("button", {
        type: "button",
        class: "danger",
        text: "Release",
        testid: "number-release",
      });
      release.addEventListener("click", async () => {
        clearError(errorBox);
        release.disabled = true;
        try {
          await api("DELETE", `/v1/phone-numbers/${encodeURIComponent(number.id)}`);
          flash(notice, `${number.number} was released.`);
          await load();
        } catch (error) {
          release.disabled = false;
          showError(errorBox, error);
        }
      });
      cells.push(el("td", null, [release]));
    }
    return el("tr", { testid: "number-row", "data-number-id": number.id }, cells);
  }

  async function load() {
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      const page = await api<Page<PhoneNumber>>("GET", "/v1/phone-numbers?limit=100");
      list.replaceChildren(...page.data.map(row));
      status.textContent = "No numbers yet: test sends use the shared test number.";
      status.hidden = page.data.length > 0;
    } catch (error) {
      status.hidden = true;
      if (!isSignedOut(error)) showError(errorBox, error);
    }
  }

  if (form) {
    const addError = byTestId(form, "numbers-add-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearError(addError);
      const values = formValues(form);
      setBusy(form, true);
      try {
        const created = await api<PhoneNumber>("POST", "/v1/phone-numbers", {
          number: values.number,
          livemode: values.mode !== "test",
        });
        form.reset();
        flash(notice, `${created.number} now belongs to this account.`);
        await load();
      } catch (error) {
        showError(addError, error);
      } finally {
        setBusy(form, false);
      }
    });
  }
  void load();
}
