import { securitySuite } from "../support/security";
import { subAccount } from "./support";

const ownChild = async (account: Parameters<typeof subAccount>[0]) =>
  (await subAccount(account)).id as string;

securitySuite("/v1/accounts", {
  method: "POST",
  path: () => "/v1/accounts",
  body: { name: "Child" },
  adminOnly: true,
});
securitySuite("/v1/accounts", { method: "GET", path: () => "/v1/accounts" });
securitySuite("/v1/accounts/{id}", {
  method: "GET",
  path: (id) => `/v1/accounts/${id}`,
  setup: ownChild,
});
securitySuite("/v1/accounts/{id}", {
  method: "PATCH",
  path: (id) => `/v1/accounts/${id}`,
  body: { name: "Renamed" },
  adminOnly: true,
  setup: ownChild,
});
securitySuite("/v1/account", {
  method: "PATCH",
  path: () => "/v1/account",
  body: { help_text: "Call us" },
  adminOnly: true,
});
