/** The signup page (when signup is open): creates the account and its first admin. */
import { byTestId, maybeByTestId } from "../lib/dom";
import { bindForm } from "../lib/forms";

const form = maybeByTestId<HTMLFormElement>(document, "signup-form");
if (form) {
  bindForm(form, byTestId(document, "signup-error"), "POST", "/v1/auth/signup", () => {
    location.assign("/dashboard");
  });
  form.querySelector<HTMLInputElement>('input[name="account_name"]')?.focus();
}
