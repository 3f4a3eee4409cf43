import type { Context } from "hono";
import { isAncestor } from "../auth/hierarchy";
import { ApiError } from "../errors";
import type { AppEnv } from "./context";

export const ACTING_HEADER = "switchboard-account";
const ACCOUNT_ID = /^acct_[0-9A-Za-z]{1,60}$/;

const noSuchAccount = () =>
  new ApiError("not_found", "No such account (Switchboard-Account must name a sub-account).");

/**
 * `Switchboard-Account: acct_…` (Stripe Connect's `Stripe-Account`): the request acts in that
 * account when the caller's own account is one of its ancestors — one primary-key lookup in
 * `account_ancestors`. The principal keeps its kind, role, scopes and mode; only the account it
 * acts in changes. A sibling, a parent or an unknown id is 404, alike.
 *
 * An API key lives in its own account's object, but a ledger route calls the target's object.
 * With the header the key is therefore checked in its own object first (one extra round trip,
 * only for such requests) and the target's object is handed a `delegated` credential that
 * carries the verdict (src/http/ledger.ts). Without the header nothing changes.
 */
export async function applyActingAccount(
  c: Context<AppEnv>,
  settleKeyClaim: (c: Context<AppEnv>) => Promise<void>,
): Promise<void> {
  const target = c.req.header(ACTING_HEADER)?.trim();
  if (target === undefined) return;
  await settleKeyClaim(c);
  const principal = c.get("principal");
  // No credential: the route answers 401 as it would have without the header.
  if (!principal) return;
  if (target === principal.accountId) return;
  if (!ACCOUNT_ID.test(target)) throw noSuchAccount();
  if (!(await isAncestor(c.get("db"), principal.accountId, target))) throw noSuchAccount();
  c.set("credentialAccountId", principal.accountId);
  c.set("principal", { ...principal, accountId: target });
}
