import { expect } from "vitest";
import { subAccount } from "../accounts/support";
import { call, json, sessionCookie, signup, type TestAccount, unique } from "../helpers";
import { createApiKey } from "./keys";
import { uniqueNumber } from "./numbers";
import { newReceiver } from "./receiver";

/** The kinds of object a path parameter can name (see test/isolation/routes.ts). */
export type Kind =
  | "user"
  | "account"
  | "api_key"
  | "webhook"
  | "event"
  | "message"
  | "contact"
  | "call"
  | "phone_number"
  | "slug"
  | "account_id";

export type Ids = Record<Kind, string>;

/** One account's credentials and one object of each kind, in each mode where objects have one. */
export interface Tenant {
  account: TestAccount;
  /** Every scope, test mode. */
  testKey: string;
  /** Every scope, live mode. */
  liveKey: string;
  /** A session of an admin whose home account this is (for a sub-account: a user made there). */
  admin: string;
  member: { cookie: string; userId: string };
  /** A receiver on loopback that answers 200 (for webhook and integration bodies). */
  url: string;
  /** Objects made in test mode (through the test key) — mode-less kinds are the same in both. */
  test: Ids;
  /** Objects made in live mode (through the live key). */
  live: Ids;
}

const as = (accountId: string) => ({ "switchboard-account": accountId });

async function created(response: Response, what: string) {
  const body = await json(response);
  if (response.status < 200 || response.status >= 300)
    throw new Error(`${what}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Objects of the ledger (mode-scoped) made through `key`, in the account it acts in. */
async function ledgerObjects(key: string) {
  const headers = {};
  const contact = await created(
    await call("/v1/contacts", { bearer: key, headers, body: { phone: uniqueNumber() } }),
    "contact",
  );
  const message = await created(
    await call("/v1/messages", {
      bearer: key,
      headers,
      body: { to: uniqueNumber(), body: "hello" },
    }),
    "message",
  );
  const phoneCall = await created(
    await call("/v1/calls", { bearer: key, headers, body: { to: uniqueNumber() } }),
    "call",
  );
  const events = await json(await call("/v1/events", { bearer: key, headers }));
  return {
    contact: contact.id as string,
    message: message.id as string,
    call: phoneCall.id as string,
    event: events.data[0].id as string,
  };
}

/**
 * A tenant: an account (or a sub-account of `parent`, built by the parent's admin acting in it)
 * with a member, keys in both modes and one of every object. Everything goes through the public
 * API, so the fixtures are exactly what a client could have made.
 */
export async function tenant(parent?: TestAccount): Promise<Tenant> {
  let account: TestAccount;
  let headers: Record<string, string> = {};
  if (parent) {
    const sub = await subAccount(parent);
    account = { ...parent, accountId: sub.id, slug: sub.slug };
    headers = as(sub.id);
  } else {
    account = await signup();
  }
  const session = { cookie: account.cookie, headers };
  const key = async (environment: "test" | "production") =>
    (
      await created(
        await call("/v1/api-keys", { ...session, body: { name: environment, environment } }),
        "api key",
      )
    ).key as string;
  const testKey = parent
    ? await key("test")
    : (await createApiKey(account, { environment: "test" })).key;
  const liveKey = parent ? await key("production") : (await createApiKey(account)).key;
  const spareKey = await created(
    await call("/v1/api-keys", { ...session, body: { name: "spare", environment: "test" } }),
    "spare key",
  );
  const person = async (role: "admin" | "member") => {
    const email = `${unique(role)}@example.com`;
    const user = await created(
      await call("/v1/users", {
        ...session,
        body: { email, role, password: "correct horse battery" },
      }),
      role,
    );
    const login = await call("/v1/auth/login", {
      body: { email, password: "correct horse battery" },
    });
    expect(login.status).toBe(200);
    return { cookie: sessionCookie(login), userId: user.id as string };
  };
  const member = await person("member");
  const admin = parent ? (await person("admin")).cookie : account.cookie;
  const child = await subAccount(account, parent ? account.accountId : undefined);
  const receiver = await newReceiver();
  const webhook = await created(
    await call("/v1/webhooks", {
      ...session,
      body: { url: receiver.url, events: ["message.sent"] },
    }),
    "webhook",
  );
  const number = async (livemode: boolean) =>
    (
      await created(
        await call("/v1/phone-numbers", {
          ...session,
          body: { number: uniqueNumber(), livemode },
        }),
        "number",
      )
    ).id as string;
  const common = {
    user: member.userId,
    account: child.id as string,
    api_key: spareKey.id as string,
    webhook: webhook.id as string,
    slug: account.slug,
    account_id: account.accountId,
  };
  const numbers = { test: await number(false), live: await number(true) };
  return {
    account,
    testKey,
    liveKey,
    admin,
    member,
    url: receiver.url,
    test: { ...common, ...(await ledgerObjects(testKey)), phone_number: numbers.test },
    live: { ...common, ...(await ledgerObjects(liveKey)), phone_number: numbers.live },
  };
}

/**
 * A new object of `kind` in `t` (in `mode` where objects have one), for cases that destroy
 * what they name: the fixtures are shared by every case of a file and must stay intact.
 */
export async function renew(t: Tenant, kind: Kind, mode: "test" | "live"): Promise<string> {
  const session = { cookie: t.account.cookie, headers: as(t.account.accountId) };
  const key = mode === "test" ? t.testKey : t.liveKey;
  switch (kind) {
    case "contact":
      return (
        await created(
          await call("/v1/contacts", { bearer: key, body: { phone: uniqueNumber() } }),
          kind,
        )
      ).id;
    case "webhook":
      return (
        await created(
          await call("/v1/webhooks", {
            ...session,
            body: { url: t.url, events: ["message.sent"] },
          }),
          kind,
        )
      ).id;
    case "user":
      return (
        await created(
          await call("/v1/users", {
            ...session,
            body: {
              email: `${unique("gone")}@example.com`,
              role: "member",
              password: "correct horse battery",
            },
          }),
          kind,
        )
      ).id;
    case "api_key":
      return (
        await created(
          await call("/v1/api-keys", { ...session, body: { name: "gone", environment: "test" } }),
          kind,
        )
      ).id;
    case "phone_number":
      return (
        await created(
          await call("/v1/phone-numbers", {
            ...session,
            body: { number: uniqueNumber(), livemode: mode === "live" },
          }),
          kind,
        )
      ).id;
    default:
      throw new Error(`renew: ${kind} objects are never destroyed by a route`);
  }
}

/** A new session for `t`'s own admin (a case that logs out must not end the shared one). */
export async function freshAdminSession(t: Tenant): Promise<string> {
  const cookie = t.admin;
  const me = await json(await call("/v1/me", { cookie }));
  const login = await call("/v1/auth/login", {
    body: { email: me.user.email, password: "correct horse battery" },
  });
  if (login.status !== 200) throw new Error(`log-in answered ${login.status}`);
  return sessionCookie(login);
}
