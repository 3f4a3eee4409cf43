/** The login page: the form posts JSON to the API and goes to the dashboard on success. */
import { byTestId } from "../lib/dom";
import { bindForm } from "../lib/forms";

const form = byTestId<HTMLFormElement>(document, "login-form");
bindForm(form, byTestId(document, "login-error"), "POST", "/v1/auth/login", () => {
  location.assign("/dashboard");
});
form.querySelector<HTMLInputElement>('input[name="email"]')?.focus();
