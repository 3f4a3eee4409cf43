import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AccountObject } from "../../src/durable/account-object";
import { accountStub } from "../support/ledger";

/**
 * What "a rejected request changes nothing" compares: every D1 table and every table of the
 * listed accounts' objects, row by row. Left out, on purpose:
 * - bookkeeping a request may touch whatever its answer: `api_keys.last_used_at` (a key that
 *   authenticated was used), the delivery counters of endpoints and subscriptions (deliveries run
 *   in the background), and carrier `tasks` (the hand-off queue of earlier, accepted sends);
 * - `idempotency` rows: a refused write with an `Idempotency-Key` stores its refusal so a retry
 *   gets the same answer (Stripe's rule, src/ledger/execute.ts);
 * - Throttle and rate-limit counters, which live in other objects or in memory and exist to count
 *   refused requests too.
 */
const VOLATILE: Record<string, string[]> = {
  api_keys: ["last_used_at"],
  webhook_endpoints: [
    "status",
    "pending_count",
    "last_success_at",
    "last_failure_at",
    "last_error",
  ],
  subscriptions: ["cursor", "failures", "retry_at", "endpoint"],
  messages: ["status", "updated_at", "carrier_sid", "error_code", "error_message"],
  calls: ["status", "carrier_sid", "duration_seconds", "completed_at"],
};
const D1_TABLES = [
  "accounts",
  "account_ancestors",
  "phone_numbers",
  "users",
  "sessions",
  "api_keys",
  "audit_events",
  "webhook_endpoints",
  "notifications",
];
const LEDGER_SKIPPED = new Set([
  "idempotency",
  "tasks",
  "_cf_KV",
  "sqlite_sequence",
  "d1_migrations",
]);

const strip = (table: string, row: Record<string, unknown>) => {
  const copy = { ...row };
  for (const column of VOLATILE[table] ?? []) delete copy[column];
  return JSON.stringify(copy);
};

async function d1Rows(): Promise<string[]> {
  const results = await env.DB.batch(
    D1_TABLES.map((table) => env.DB.prepare(`SELECT * FROM ${table} ORDER BY rowid`)),
  );
  return results.flatMap((result, i) => {
    const table = D1_TABLES[i] as string;
    return result.results.map(
      (row) => `d1.${table} ${strip(table, row as Record<string, unknown>)}`,
    );
  });
}

function ledgerRows(accountId: string): Promise<string[]> {
  return runInDurableObject<AccountObject, string[]>(accountStub(accountId), (_o, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .toArray()
      .map((row) => row.name)
      .filter((name) => !LEDGER_SKIPPED.has(name) && !name.startsWith("_cf"));
    return tables.flatMap((table) =>
      sql
        .exec(`SELECT * FROM "${table}" ORDER BY rowid`)
        .toArray()
        .map((row) => `${accountId}.${table} ${strip(table, row as Record<string, unknown>)}`),
    );
  });
}

/** The comparable state of D1 and of the given accounts' objects. */
export async function snapshot(accountIds: string[]): Promise<string[]> {
  const parts = await Promise.all([d1Rows(), ...accountIds.map(ledgerRows)]);
  return parts.flat();
}

/** Rows only in `before` (removed or changed) and only in `after` (added or changed). */
export function difference(before: string[], after: string[]) {
  const was = new Set(before);
  const now = new Set(after);
  return {
    removed: before.filter((row) => !now.has(row)),
    added: after.filter((row) => !was.has(row)),
  };
}
