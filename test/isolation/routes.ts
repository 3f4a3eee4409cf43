import type { Ids, Kind } from "../support/world";

/**
 * The route table the isolation matrix and the fuzzer are generated from: one entry per
 * operation of the OpenAPI document, keyed `METHOD /path/{template}`. test/isolation/matrix.test.ts
 * fails when an operation has no entry or an entry names no operation, so a new route cannot be
 * left out of either.
 */
export interface RouteEntry {
  /**
   * `public`: no credential (Twilio callbacks check their signature instead); `session`: dashboard
   * only, API keys are refused; `any`: a session or an API key with the route's scope.
   */
  access: "public" | "session" | "any";
  /** Members' sessions get 403 (user, key, number and account management). */
  adminOnly?: boolean;
  /** Which kind of object each path parameter names. */
  ids?: Record<string, Kind>;
  /** The ids are test or live objects: a key of the other mode gets 404. */
  modeScoped?: boolean;
  /** Test-helper routes: only a test-mode key may call them (sessions and live keys get 403). */
  testKeyOnly?: boolean;
  /**
   * What a successful call destroys (the object its path names, or the caller's session): the
   * allowed case runs on a fresh one so the shared fixtures stay intact.
   */
  consumes?: Kind | "session";
  /** A body the route accepts, for the cases that must reach the ownership check. */
  body?: (ids: Ids, url: string) => unknown;
}

let serial = 0;
const fresh = () => `${Date.now().toString(36)}${(serial++).toString(36)}`;
const phone = () => `+1555${String((Date.now() * 13 + serial++ * 7907) % 1e7).padStart(7, "0")}`;
const integration = (_ids: Ids, url: string) => ({
  provider: "webhook",
  config: { baseUrl: url },
});

const id = (kind: Kind) => ({ id: kind });
const pub = { access: "public" } as const;
const session = { access: "session" } as const;
const admin = { access: "session", adminOnly: true } as const;
const any = { access: "any" } as const;

export const ROUTES: Record<string, RouteEntry> = {
  "GET /healthz": pub,
  "GET /openapi.json": pub,
  "GET /v1/event-types": pub,
  "POST /v1/auth/signup": pub,
  "POST /v1/auth/login": pub,
  // Signed by GitHub instead of a credential (ECDSA over the body).
  "POST /v1/secret-scanning/github": pub,
  "POST /v1/auth/logout": { ...session, consumes: "session" },
  "GET /v1/me": session,

  "POST /v1/users": {
    ...admin,
    body: () => ({
      email: `m${fresh()}@example.com`,
      role: "member",
      password: "correct horse battery",
    }),
  },
  "GET /v1/users": session,
  "PATCH /v1/users/{id}": { ...admin, ids: id("user"), body: () => ({ role: "member" }) },
  "DELETE /v1/users/{id}": { ...admin, ids: id("user"), consumes: "user" },

  "GET /v1/account": any,
  "PATCH /v1/account": { ...admin, body: () => ({ name: "Renamed" }) },
  "POST /v1/accounts": { ...admin, body: () => ({ name: `Sub ${fresh()}` }) },
  "GET /v1/accounts": session,
  "GET /v1/accounts/{id}": { ...session, ids: id("account") },
  "PATCH /v1/accounts/{id}": { ...admin, ids: id("account"), body: () => ({ name: "Renamed" }) },

  "POST /v1/api-keys": { ...admin, body: () => ({ name: "k", environment: "test" }) },
  "GET /v1/api-keys": session,
  "GET /v1/api-keys/{id}": { ...session, ids: id("api_key") },
  "DELETE /v1/api-keys/{id}": { ...admin, ids: id("api_key"), consumes: "api_key" },
  "POST /v1/api-keys/{id}/rotate": {
    ...admin,
    ids: id("api_key"),
    consumes: "api_key",
    body: () => ({}),
  },
  "GET /v1/audit-events": admin,

  "POST /v1/webhooks": { ...any, body: (_ids, url) => ({ url, events: ["message.sent"] }) },
  "GET /v1/webhooks": any,
  "GET /v1/webhooks/{id}": { ...any, ids: id("webhook") },
  "PATCH /v1/webhooks/{id}": {
    ...any,
    ids: id("webhook"),
    body: () => ({ events: ["message.sent", "message.failed"] }),
  },
  "DELETE /v1/webhooks/{id}": { ...any, ids: id("webhook"), consumes: "webhook" },
  "GET /v1/webhooks/{id}/secret": { ...any, ids: id("webhook") },
  "POST /v1/webhooks/{id}/rotate-secret": { ...any, ids: id("webhook"), body: () => ({}) },
  "POST /v1/webhooks/{id}/test": {
    ...any,
    ids: id("webhook"),
    body: () => ({ event_type: "message.sent" }),
  },
  "GET /v1/webhooks/{id}/stats": { ...any, ids: id("webhook") },
  "GET /v1/webhooks/{id}/deliveries": { ...any, ids: id("webhook") },
  "POST /v1/webhooks/{id}/replay": {
    ...any,
    ids: id("webhook"),
    body: () => ({ since: new Date(Date.now() - 3_600_000).toISOString() }),
  },
  "POST /v1/events/{id}/redeliver": {
    ...any,
    ids: id("event"),
    modeScoped: true,
    body: () => ({}),
  },
  "GET /v1/events": any,
  "GET /v1/events/{id}": { ...any, ids: id("event"), modeScoped: true },
  "POST /v1/test-helpers/events": {
    ...any,
    testKeyOnly: true,
    body: () => ({ type: "message.sent" }),
  },
  "GET /v1/notifications": any,

  "POST /v1/messages": { ...any, body: () => ({ to: phone(), body: "hi" }) },
  "GET /v1/messages": any,
  "GET /v1/messages/{id}": { ...any, ids: id("message"), modeScoped: true },
  "POST /v1/contacts": { ...any, body: () => ({ phone: phone() }) },
  "GET /v1/contacts": any,
  "GET /v1/contacts/{id}": { ...any, ids: id("contact"), modeScoped: true },
  "PATCH /v1/contacts/{id}": {
    ...any,
    ids: id("contact"),
    modeScoped: true,
    body: () => ({ name: "Ada" }),
  },
  "DELETE /v1/contacts/{id}": {
    ...any,
    ids: id("contact"),
    modeScoped: true,
    consumes: "contact",
  },
  "POST /v1/contacts/{id}/opt-out": { ...any, ids: id("contact"), modeScoped: true },
  "POST /v1/contacts/{id}/opt-in": { ...any, ids: id("contact"), modeScoped: true },
  "POST /v1/calls": { ...any, body: () => ({ to: phone() }) },
  "GET /v1/calls": any,
  "GET /v1/calls/{id}": { ...any, ids: id("call"), modeScoped: true },
  "POST /v1/phone-numbers": { ...admin, body: () => ({ number: phone(), livemode: false }) },
  "GET /v1/phone-numbers": any,
  "DELETE /v1/phone-numbers/{id}": {
    ...admin,
    ids: id("phone_number"),
    consumes: "phone_number",
  },
  "POST /v1/test-helpers/inbound-messages": {
    ...any,
    testKeyOnly: true,
    body: () => ({ from: phone(), body: "hello" }),
  },

  ...integrationRoutes("/v1/accounts/{slug}"),
  ...integrationRoutes("/{slug}"),

  // Twilio's callbacks: no credential; the signature (and, here, no Twilio configuration at
  // all) decides. Their own tests: test/carrier/*.test.ts; the fuzzer covers them unauthenticated.
  "POST /carrier/twilio/inbound": pub,
  "POST /carrier/twilio/{account_id}/calls/{call_id}/recording": {
    ...pub,
    ids: { account_id: "account_id", call_id: "call" },
  },
  "POST /carrier/twilio/{account_id}/messages/{message_id}/status": {
    ...pub,
    ids: { account_id: "account_id", message_id: "message" },
  },
  "POST /carrier/twilio/{account_id}/calls/{call_id}/status": {
    ...pub,
    ids: { account_id: "account_id", call_id: "call" },
  },
  "POST /carrier/twilio/{account_id}/inbound": { ...pub, ids: { account_id: "account_id" } },
};

function integrationRoutes(prefix: string): Record<string, RouteEntry> {
  const slug = { slug: "slug" } as const;
  const slugId = { slug: "slug", id: "webhook" } as const;
  return {
    [`POST ${prefix}/integrations`]: { ...any, ids: slug, body: integration },
    [`GET ${prefix}/integrations`]: { ...any, ids: slug },
    [`GET ${prefix}/integrations/{id}`]: { ...any, ids: slugId },
    [`PUT ${prefix}/integrations/{id}`]: { ...any, ids: slugId, body: integration },
    [`PATCH ${prefix}/integrations/{id}`]: { ...any, ids: slugId, body: () => ({ active: true }) },
    [`DELETE ${prefix}/integrations/{id}`]: { ...any, ids: slugId, consumes: "webhook" },
  };
}

/** Fills a path template with the ids of one tenant (in one mode). */
export function pathFor(template: string, entry: RouteEntry, ids: Ids): string {
  return template.replace(/\{([^}]+)\}/g, (_all, name: string) => {
    const kind = entry.ids?.[name];
    if (!kind) throw new Error(`${template}: no kind for {${name}} in the route table`);
    return encodeURIComponent(ids[kind]);
  });
}
