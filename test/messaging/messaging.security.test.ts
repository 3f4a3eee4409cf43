import { expect } from "vitest";
import { call, json, type TestAccount } from "../helpers";
import { createApiKey } from "../support/keys";
import { grantNumber, uniqueNumber } from "../support/numbers";
import { securitySuite } from "../support/security";

/** Objects are created in live mode by the account's admin session, as a live key would. */
async function live(account: TestAccount, path: string, body: unknown) {
  const { key } = await createApiKey(account, { environment: "production" });
  // Live sends and calls need a number of the account's own.
  await grantNumber(account.accountId, uniqueNumber(), true);
  const id = (await json(await call(path, { bearer: key, body }))).id as string;
  expect(id).toMatch(/^[a-z]+_/);
  return id;
}
const ownMessage = (a: TestAccount) => live(a, "/v1/messages", { to: "+15555550123", body: "hi" });
const ownContact = (a: TestAccount) => live(a, "/v1/contacts", { phone: "+15555550123" });
const ownCall = (a: TestAccount) => live(a, "/v1/calls", { to: "+15555550123" });

securitySuite("/v1/messages", {
  method: "POST",
  path: () => "/v1/messages",
  body: { to: "+15555550123", body: "hi" },
  scope: "messages:write",
  adminOnly: true,
});
securitySuite("/v1/messages", {
  method: "GET",
  path: () => "/v1/messages",
  scope: "messages:read",
});
securitySuite("/v1/messages/{id}", {
  method: "GET",
  path: (id) => `/v1/messages/${id}`,
  scope: "messages:read",
  setup: ownMessage,
});
securitySuite("/v1/calls", {
  method: "POST",
  path: () => "/v1/calls",
  body: { to: "+15555550123" },
  scope: "calls:write",
  adminOnly: true,
});
securitySuite("/v1/calls", { method: "GET", path: () => "/v1/calls", scope: "calls:read" });
securitySuite("/v1/calls/{id}", {
  method: "GET",
  path: (id) => `/v1/calls/${id}`,
  scope: "calls:read",
  setup: ownCall,
});
securitySuite("/v1/contacts", {
  method: "POST",
  path: () => "/v1/contacts",
  body: { phone: "+15555550123" },
  scope: "contacts:write",
  adminOnly: true,
});
securitySuite("/v1/contacts", {
  method: "GET",
  path: () => "/v1/contacts",
  scope: "contacts:read",
});
securitySuite("/v1/contacts/{id}", {
  method: "GET",
  path: (id) => `/v1/contacts/${id}`,
  scope: "contacts:read",
  setup: ownContact,
});
securitySuite("/v1/contacts/{id}", {
  method: "PATCH",
  path: (id) => `/v1/contacts/${id}`,
  body: { name: "x" },
  scope: "contacts:write",
  adminOnly: true,
  setup: ownContact,
});
securitySuite("/v1/contacts/{id}", {
  method: "DELETE",
  path: (id) => `/v1/contacts/${id}`,
  scope: "contacts:write",
  adminOnly: true,
  setup: ownContact,
});
securitySuite("/v1/contacts/{id}/opt-out", {
  method: "POST",
  path: (id) => `/v1/contacts/${id}/opt-out`,
  scope: "contacts:write",
  adminOnly: true,
  setup: ownContact,
});
securitySuite("/v1/contacts/{id}/opt-in", {
  method: "POST",
  path: (id) => `/v1/contacts/${id}/opt-in`,
  scope: "contacts:write",
  adminOnly: true,
  setup: ownContact,
});
securitySuite("/v1/test-helpers/inbound-messages", {
  method: "POST",
  path: () => "/v1/test-helpers/inbound-messages",
  body: { from: "+15555550123", body: "hi" },
  scope: "messages:write",
  adminOnly: true,
});
