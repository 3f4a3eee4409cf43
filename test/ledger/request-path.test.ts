import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { json } from "../helpers";
import { harness } from "../http/harness";
import { newReceiver } from "../support/receiver";

/**
 * The hot route's cost, counted at the bindings: a send with an API key is one Durable Object
 * round trip (authentication included) and touches D1 not at all, with 1 or 100 subscribed
 * endpoints (fan-out happens after the answer, inside the account object).
 */
function counted() {
  const counts = { objectCalls: 0, d1: 0 };
  const countingNamespace = <T extends Rpc.DurableObjectBranded | undefined>(
    namespace: DurableObjectNamespace<T>,
  ) =>
    new Proxy(namespace, {
      get(target, property) {
        if (property === "get") {
          return (id: DurableObjectId) => {
            const stub = target.get(id);
            return new Proxy(stub, {
              get(inner, method) {
                const value = Reflect.get(inner, method);
                if (typeof value !== "function") return value;
                return (...args: unknown[]) => {
                  counts.objectCalls++;
                  return Reflect.apply(value, inner, args);
                };
              },
            });
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const countingD1 = new Proxy(env.DB, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "prepare" || property === "batch" || property === "exec") counts.d1++;
        return value.apply(target, args);
      };
    },
  });
  return {
    counts,
    vars: {
      ACCOUNT: countingNamespace(env.ACCOUNT),
      WEBHOOK_ENDPOINT: countingNamespace(env.WEBHOOK_ENDPOINT),
      CARRIER_SIMULATOR: countingNamespace(env.CARRIER_SIMULATOR),
      DB: countingD1,
    },
  };
}

describe("the request path of POST /v1/messages", () => {
  for (const endpoints of [1, 100]) {
    it(`is one object call and no D1 query with ${endpoints} subscribed endpoint(s)`, {
      timeout: 60_000,
    }, async () => {
      const { counts, vars } = counted();
      const app = harness({ vars });
      const admin = await app.signup();
      const receiver = await newReceiver();
      for (let i = 0; i < endpoints; i++) {
        const created = await app.send("/v1/webhooks", {
          cookie: admin.cookie,
          body: { url: `${receiver.url}?n=${i}`, events: ["message.sent"] },
        });
        expect(created.status).toBe(201);
      }
      const key = await json(
        await app.send("/v1/api-keys", {
          cookie: admin.cookie,
          body: { name: "hot path", environment: "test" },
        }),
      );
      // The first request also reads the key's KV route; later ones find it in the isolate.
      const send = () =>
        app.send("/v1/messages", {
          bearer: key.key,
          body: { to: "+15555550901", body: "Hello" },
        });
      expect((await send()).status).toBe(202);
      counts.objectCalls = 0;
      counts.d1 = 0;
      const response = await send();
      expect(response.status).toBe(202);
      expect(await json(response)).toMatchObject({ status: "queued" });
      expect(counts).toEqual({ objectCalls: 1, d1: 0 });
    });
  }
});
