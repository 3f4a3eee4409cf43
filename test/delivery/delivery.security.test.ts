import { call, json, type TestAccount } from "../helpers";
import { publishEvent } from "../support/delivery";
import { securitySuite } from "../support/security";

const ownEndpoint = async (account: TestAccount) =>
  (
    await json(
      await call("/v1/webhooks", {
        cookie: account.cookie,
        body: { url: "https://example.com/h", events: ["message.sent"] },
      }),
    )
  ).id as string;
const ownEvent = async (account: TestAccount) =>
  (await publishEvent(account.accountId, "message.sent")).id;

securitySuite("/v1/webhooks/{id}/deliveries", {
  method: "GET",
  path: (id) => `/v1/webhooks/${id}/deliveries`,
  scope: "webhooks:read",
  setup: ownEndpoint,
});
securitySuite("/v1/webhooks/{id}/replay", {
  method: "POST",
  path: (id) => `/v1/webhooks/${id}/replay`,
  body: { since: "2026-01-01T00:00:00Z" },
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEndpoint,
});
securitySuite("/v1/events", { method: "GET", path: () => "/v1/events", scope: "events:read" });
securitySuite("/v1/events/{id}", {
  method: "GET",
  path: (id) => `/v1/events/${id}`,
  scope: "events:read",
  setup: ownEvent,
});
securitySuite("/v1/events/{id}/redeliver", {
  method: "POST",
  path: (id) => `/v1/events/${id}/redeliver`,
  body: {},
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEvent,
});
securitySuite("/v1/notifications", {
  method: "GET",
  path: () => "/v1/notifications",
  scope: "webhooks:read",
});
securitySuite("/v1/test-helpers/events", {
  method: "POST",
  path: () => "/v1/test-helpers/events",
  body: { type: "message.sent" },
  scope: "webhooks:write",
  adminOnly: true,
});
