import { and, eq } from "drizzle-orm";
import { apiKeys, users } from "../db/schema";
import type { Mailer } from "../notifications/mailer";
import { hashSecret, type KeyIdentity, kvKeyFor } from "./hash";
import { parseSecret } from "./secret";
import { type KeyDeps, revokeKey } from "./service";

/** One finding as GitHub's secret scanning partner program reports it. */
export interface ExposureReport {
  token: string;
  type: string;
  url?: string | undefined;
  source?: string | undefined;
}

/** GitHub's feedback format: whether the token was a live credential of ours. */
export interface ExposureVerdict {
  token_raw: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

export interface ExposureDeps extends KeyDeps {
  mailer: Mailer;
}

/**
 * Revokes every reported key that is still live, at once and without a grace period (a public
 * secret is compromised; Stripe and GitHub do the same), records why in the audit log and tells
 * the account's admins. Tokens that are not keys of ours, or no longer known, change nothing.
 * Replaying a report is harmless: the key is already gone.
 *
 * @example
 * const verdicts = await handleExposures(deps, [{ token, type: "switchboard_api_key", url }]);
 */
export async function handleExposures(
  deps: ExposureDeps,
  reports: ExposureReport[],
): Promise<ExposureVerdict[]> {
  const verdicts: ExposureVerdict[] = [];
  const seen = new Map<string, ExposureVerdict["label"]>();
  for (const report of reports) {
    let label = seen.get(report.token);
    if (label === undefined) {
      label = await handleOne(deps, report);
      seen.set(report.token, label);
    }
    verdicts.push({ token_raw: report.token, token_type: report.type, label });
  }
  return verdicts;
}

async function handleOne(
  deps: ExposureDeps,
  report: ExposureReport,
): Promise<ExposureVerdict["label"]> {
  if (parseSecret(report.token) === null) return "false_positive";
  const hash = await hashSecret(deps.pepper, report.token);
  const identity = await deps.env.KEYS.get<KeyIdentity>(kvKeyFor(hash), "json");
  if (!identity) return "false_positive";
  const rows = await deps.db
    .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, identity.key_id), eq(apiKeys.accountId, identity.account_id)))
    .limit(1);
  const row = rows[0];
  if (!row) return "false_positive";
  const now = deps.services.clock.now();
  if (row.revokedAt !== null && row.revokedAt <= now) return "true_positive";
  const actor = { accountId: identity.account_id, userId: null };
  const key = await revokeKey(deps, actor, row.id, {
    reason: "exposed",
    ...(report.url ? { url: report.url } : {}),
    ...(report.source ? { source: report.source } : {}),
  });
  await tellAdmins(deps, identity.account_id, key.name, key.prefix, report.url);
  return "true_positive";
}

/** Best effort: the revocation already happened, so a failing mail provider is only logged. */
async function tellAdmins(
  deps: ExposureDeps,
  accountId: string,
  name: string,
  prefix: string,
  url: string | undefined,
) {
  try {
    const admins = await deps.db
      .select({ email: users.email })
      .from(users)
      .where(and(eq(users.accountId, accountId), eq(users.role, "admin")));
    if (admins.length === 0) return;
    await deps.mailer.send({
      to: admins.map((admin) => admin.email),
      subject: "API key exposed publicly: revoked",
      text: `The API key "${name}" (${prefix}…) was found in public${url ? ` at ${url}` : ""} and has been revoked. Create a new key and update the systems that used it.`,
    });
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "exposed-key mail failed",
        account_id: accountId,
        error: String(error),
      }),
    );
  }
}
