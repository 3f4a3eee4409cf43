import { call, json, type TestAccount } from "../helpers";
import { uniqueNumber } from "../support/numbers";
import { securitySuite } from "../support/security";

const ownNumber = async (account: TestAccount) =>
  (
    await json(
      await call("/v1/phone-numbers", {
        cookie: account.cookie,
        body: { number: uniqueNumber(), livemode: false },
      }),
    )
  ).id as string;

securitySuite("/v1/phone-numbers", {
  method: "POST",
  path: () => "/v1/phone-numbers",
  body: { number: "+15555550190", livemode: false },
  adminOnly: true,
});
securitySuite("/v1/phone-numbers", {
  method: "GET",
  path: () => "/v1/phone-numbers",
  scope: "messages:read",
});
securitySuite("/v1/phone-numbers/{id}", {
  method: "DELETE",
  path: (id) => `/v1/phone-numbers/${id}`,
  adminOnly: true,
  setup: ownNumber,
});
