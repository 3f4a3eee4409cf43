import type { AccountObject } from "./account-object";
import type { CarrierSimulator } from "./carrier-simulator";
import type { Throttle } from "./throttle";
import type { WebhookEndpointObject } from "./webhook-endpoint";

/**
 * Typed stub getters. Domain code reaches an object through these (`import type` only), so no
 * module imports a Durable Object class at runtime except the worker entry: no import circles.
 */
export const accountObject = (env: Env, accountId: string): DurableObjectStub<AccountObject> =>
  env.ACCOUNT.get(env.ACCOUNT.idFromName(accountId)) as DurableObjectStub<AccountObject>;

export const endpointObject = (
  env: Env,
  endpointId: string,
): DurableObjectStub<WebhookEndpointObject> =>
  env.WEBHOOK_ENDPOINT.get(
    env.WEBHOOK_ENDPOINT.idFromName(endpointId),
  ) as DurableObjectStub<WebhookEndpointObject>;

/** The simulated carrier network, one object per account and mode. */
export const carrierSimulatorStub = (
  env: Env,
  accountId: string,
  livemode: boolean,
): DurableObjectStub<CarrierSimulator> =>
  env.CARRIER_SIMULATOR.get(
    env.CARRIER_SIMULATOR.idFromName(`${accountId}:${livemode ? "live" : "test"}`),
  ) as DurableObjectStub<CarrierSimulator>;

/** One attempt counter; `name` is already hashed (src/auth/throttle.ts). */
export const throttleStub = (env: Env, name: string): DurableObjectStub<Throttle> =>
  env.THROTTLE.get(env.THROTTLE.idFromName(name)) as DurableObjectStub<Throttle>;
