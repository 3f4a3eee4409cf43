import { runInDurableObject } from "cloudflare:test";
import { createHmac } from "node:crypto";
import { expect } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import { json, PASSWORD, sessionCookie, unique } from "../helpers";
import { clockedApp } from "./clocked";
import { accountStub } from "./ledger";
import { newReceiver } from "./receiver";

/** The local Twilio fake and signed callbacks, shared by the Twilio test files. */
export const SID = "ACtest";
export const TOKEN = "token-0123456789abcdef";
export const PUBLIC = "https://public.switchboard.test";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

export type App = ReturnType<typeof clockedApp>;
export type Fake = Awaited<ReturnType<typeof newReceiver>>;

/** Twilio's algorithm written out independently with node:crypto. */
export function sign(url: string, params: Record<string, string>, token = TOKEN): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac("sha1", token).update(data, "utf8").digest("base64");
}

/** Answers every request alike, as the receiver does: one body serves sends and lookups. */
export const twilioFake = (body: Record<string, unknown>, status = 200) =>
  newReceiver({
    statuses: [status],
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

export const liveApp = (fake: Fake) =>
  clockedApp({
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_API_BASE: fake.url,
    PUBLIC_BASE_URL: PUBLIC,
  });

/** The account object makes the carrier calls, so it gets this app's Twilio settings. */
export async function useAppCarrier(app: App, accountId: string) {
  const names = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE", "PUBLIC_BASE_URL"];
  const vars = app.env as unknown as Record<string, unknown>;
  const overrides = Object.fromEntries(names.map((name) => [name, vars[name]]));
  await runInDurableObject<AccountObject, void>(accountStub(accountId), (instance) => {
    instance.envOverrides = overrides;
  });
}

export async function liveAccount(app: App) {
  const signup = await app.fetch("/v1/auth/signup", {
    json: { account_name: unique("Twilio "), email: `${unique()}@example.com`, password: PASSWORD },
  });
  expect(signup.status).toBe(201);
  const cookie = sessionCookie(signup);
  const accountId = (await json(signup)).account.id as string;
  await useAppCarrier(app, accountId);
  const response = await app.fetch("/v1/api-keys", {
    cookie,
    json: { name: "live", environment: "production" },
  });
  return { accountId, cookie, live: (await json(response)).key as string };
}

/** A callback as Twilio sends it: form-encoded, signed over PUBLIC_BASE_URL + path. */
export function callback(app: App, path: string, params: Record<string, string>) {
  return app.fetch(path, {
    method: "POST",
    headers: { ...FORM, "x-twilio-signature": sign(`${PUBLIC}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
}
