/** The "API & Integrations" page: the top bar's logout, then each section fills itself. */
import { ApiError, api } from "../lib/api";
import { byTestId } from "../lib/dom";
import { showError } from "../lib/errors";
import { mountAccountSwitcher } from "../sections/account-switcher";
import { mountApiKeys } from "../sections/api-keys";
import { mountPhoneNumbers } from "../sections/phone-numbers";
import { mountSubAccounts } from "../sections/sub-accounts";
import { mountTeam } from "../sections/team";
import { mountWebhooks } from "../sections/webhooks";

const pageError = byTestId(document, "page-error");
const logout = byTestId<HTMLButtonElement>(document, "logout-button");
logout.addEventListener("click", async () => {
  logout.disabled = true;
  try {
    await api("POST", "/v1/auth/logout");
  } catch (error) {
    // Already signed out is as good as signing out now.
    if (!(error instanceof ApiError && error.status === 401)) {
      showError(pageError, error);
      logout.disabled = false;
      return;
    }
  }
  location.assign("/login");
});

mountApiKeys();
mountWebhooks();
mountPhoneNumbers();
mountSubAccounts();
mountTeam();
void mountAccountSwitcher();
