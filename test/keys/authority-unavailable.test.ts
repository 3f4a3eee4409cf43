import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError, json } from "../helpers";
import { harness } from "../http/harness";

/** The account objects as a restarting runtime shows them: every call fails. */
const unavailableAccounts = new Proxy(env.ACCOUNT, {
  get(target, property) {
    if (property === "get") {
      return () =>
        new Proxy(
          {},
          { get: () => () => Promise.reject(new Error("Durable Object is overloaded.")) },
        );
    }
    const value = Reflect.get(target, property);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

describe("the key authority briefly unavailable", () => {
  it("answers 503 with Retry-After, never 500, on control-plane and ledger routes", async () => {
    const healthy = harness();
    const admin = await healthy.signup();
    const key = await json(
      await healthy.send("/v1/api-keys", {
        cookie: admin.cookie,
        body: { name: "k", environment: "test" },
      }),
    );
    const broken = harness({ vars: { ACCOUNT: unavailableAccounts } });
    for (const path of ["/v1/account", "/v1/webhooks", "/v1/messages"]) {
      const response = await broken.send(path, { bearer: key.key });
      await expectError(response, 503, "unavailable");
      expect(response.headers.get("retry-after")).toBe("1");
    }
  });
});
