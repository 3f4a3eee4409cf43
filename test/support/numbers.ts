import { env } from "cloudflare:workers";
import { accountObject } from "../../src/durable/stubs";

let next = 0;
/** A number no other test uses (phone numbers are unique per mode across all accounts). */
export const uniqueNumber = () =>
  `+1555${String((Date.now() * 7 + next++ * 7919 + Math.floor(Math.random() * 1e6)) % 1e7).padStart(7, "0")}`;

/**
 * Gives an account a number the way POST /v1/phone-numbers does (D1 row, then the object's
 * mirror), without asking Twilio: for tests whose fake carrier answers something else.
 */
export async function grantNumber(accountId: string, number: string, livemode: boolean) {
  const id = `pn_${Math.random().toString(36).slice(2, 12)}${next++}`;
  const createdAt = Date.now();
  await env.DB.prepare(
    "INSERT INTO phone_numbers (id, account_id, number, livemode, created_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(id, accountId, number, livemode ? 1 : 0, createdAt)
    .run();
  await accountObject(env, accountId).addNumber(accountId, { id, livemode, number, createdAt });
  return id;
}
