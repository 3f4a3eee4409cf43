import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { CarrierSimulator } from "../../src/durable/carrier-simulator";
import { carrierSimulatorStub } from "../../src/durable/stubs";
import { ManualClock } from "../../src/services";
import { settleAccount } from "./ledger";

/**
 * Hands the account's queued sends and calls to the simulated network, runs that network as if
 * CARRIER_DELAY_MS (an hour in tests) had passed, then fans the resulting events out.
 */
export async function runCarrier(accountId: string, livemode: boolean) {
  await settleAccount(accountId);
  const applied = await runInDurableObject<CarrierSimulator, number>(
    carrierSimulatorStub(env, accountId, livemode),
    (instance) => {
      instance.clock = new ManualClock(Date.now() + 3_600_001);
      return instance.runDue();
    },
  );
  await settleAccount(accountId);
  return applied;
}
