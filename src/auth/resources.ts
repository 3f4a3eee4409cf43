import type { Account, User } from "../db/schema";
import { toIso } from "../lib/time";

export const userResource = (user: User) => ({
  id: user.id,
  email: user.email,
  role: user.role,
  account_id: user.accountId,
  created_at: toIso(user.createdAt),
  updated_at: toIso(user.updatedAt),
});

export const accountResource = (account: Account) => ({
  id: account.id,
  name: account.name,
  slug: account.slug,
  parent_account_id: account.parentAccountId,
  help_text: account.helpText,
  created_at: toIso(account.createdAt),
});
