import { call, json, type TestAccount } from "../helpers";
import { securitySuite } from "../support/security";

const ownEndpoint = async (account: TestAccount) => {
  const response = await call("/v1/webhooks", {
    cookie: account.cookie,
    body: { url: "https://example.com/h", events: ["message.sent"] },
  });
  return (await json(response)).id as string;
};
const hook = { url: "https://example.com/h", events: ["message.sent"] };

securitySuite("/v1/webhooks", {
  method: "POST",
  path: () => "/v1/webhooks",
  body: hook,
  scope: "webhooks:write",
  adminOnly: true,
});
securitySuite("/v1/webhooks", {
  method: "GET",
  path: () => "/v1/webhooks",
  scope: "webhooks:read",
});
securitySuite("/v1/webhooks/{id}", {
  method: "GET",
  path: (id) => `/v1/webhooks/${id}`,
  scope: "webhooks:read",
  setup: ownEndpoint,
});
securitySuite("/v1/webhooks/{id}", {
  method: "PATCH",
  path: (id) => `/v1/webhooks/${id}`,
  body: { active: false },
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEndpoint,
});
securitySuite("/v1/webhooks/{id}", {
  method: "DELETE",
  path: (id) => `/v1/webhooks/${id}`,
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEndpoint,
});
securitySuite("/v1/webhooks/{id}/secret", {
  method: "GET",
  path: (id) => `/v1/webhooks/${id}/secret`,
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEndpoint,
});
securitySuite("/v1/webhooks/{id}/rotate-secret", {
  method: "POST",
  path: (id) => `/v1/webhooks/${id}/rotate-secret`,
  body: {},
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEndpoint,
});
securitySuite("/v1/webhooks/{id}/test", {
  method: "POST",
  path: (id) => `/v1/webhooks/${id}/test`,
  body: { event_type: "message.sent" },
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownEndpoint,
});

/** Integrations are addressed by slug: another account's slug and ids are both 404. */
const ownIntegration = async (account: TestAccount) =>
  `${account.slug}/integrations/${await ownEndpoint(account)}`;
const ownSlug = async (account: TestAccount) => account.slug;
const integration = { provider: "webhook", config: { baseUrl: "https://example.com/cb" } };
securitySuite("/{slug}/integrations", {
  method: "POST",
  path: (slug) => `/${slug}/integrations`,
  body: integration,
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownSlug,
});
securitySuite("/{slug}/integrations", {
  method: "GET",
  path: (slug) => `/${slug}/integrations`,
  scope: "webhooks:read",
  setup: ownSlug,
});
securitySuite("/v1/accounts/{slug}/integrations", {
  method: "GET",
  path: (slug) => `/v1/accounts/${slug}/integrations`,
  scope: "webhooks:read",
  setup: ownSlug,
});
securitySuite("/{slug}/integrations/{id}", {
  method: "GET",
  path: (path) => `/${path}`,
  scope: "webhooks:read",
  setup: ownIntegration,
});
securitySuite("/{slug}/integrations/{id}", {
  method: "PATCH",
  path: (path) => `/${path}`,
  body: { active: false },
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownIntegration,
});
securitySuite("/{slug}/integrations/{id}", {
  method: "PUT",
  path: (path) => `/${path}`,
  body: integration,
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownIntegration,
});
securitySuite("/{slug}/integrations/{id}", {
  method: "DELETE",
  path: (path) => `/${path}`,
  scope: "webhooks:write",
  adminOnly: true,
  setup: ownIntegration,
});
