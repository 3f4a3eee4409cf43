import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type CarrierSimulator, carrierSimulator } from "../../src/durable/carrier-simulator";
import { ManualClock } from "../../src/services";

/** Runs the simulated network as if CARRIER_DELAY_MS (an hour in tests) had passed. */
export function runCarrier(accountId: string, livemode: boolean) {
  const { stub } = carrierSimulator(env, { accountId, livemode });
  return runInDurableObject<CarrierSimulator, number>(stub, (instance) => {
    instance.clock = new ManualClock(Date.now() + 3_600_001);
    return instance.runDue();
  });
}
