import { call, json, type TestAccount } from "../helpers";
import { createApiKey } from "../support/keys";
import { securitySuite } from "../support/security";

const ownKey = async (account: TestAccount) => (await createApiKey(account)).id;

securitySuite("/v1/api-keys", {
  method: "POST",
  path: () => "/v1/api-keys",
  body: { name: "k", environment: "test" },
  adminOnly: true,
});
securitySuite("/v1/api-keys", { method: "GET", path: () => "/v1/api-keys" });
securitySuite("/v1/api-keys/{id}", {
  method: "GET",
  path: (id) => `/v1/api-keys/${id}`,
  setup: ownKey,
});
securitySuite("/v1/api-keys/{id}/rotate", {
  method: "POST",
  path: (id) => `/v1/api-keys/${id}/rotate`,
  body: {},
  adminOnly: true,
  setup: ownKey,
});
securitySuite("/v1/api-keys/{id}", {
  method: "DELETE",
  path: (id) => `/v1/api-keys/${id}`,
  adminOnly: true,
  setup: ownKey,
});
securitySuite("/v1/audit-events", {
  method: "GET",
  path: () => "/v1/audit-events",
  adminOnly: true,
});
securitySuite("/v1/users/{id}", {
  method: "PATCH",
  path: (id) => `/v1/users/${id}`,
  body: { role: "admin" },
  adminOnly: true,
  setup: async (account) => {
    const created = await call("/v1/users", {
      cookie: account.cookie,
      body: {
        email: `${account.userId.toLowerCase()}-m@example.com`,
        role: "member",
        password: "correct horse battery",
      },
    });
    return (await json(created)).id;
  },
});
