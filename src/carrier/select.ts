import { simulatedCarrier } from "./simulated";
import { twilioCarrier, twilioConfigured } from "./twilio";
import type { Carrier, CarrierDeps } from "./types";

/** Test mode always uses the simulated carrier; live mode uses a real one when configured. */
export function carrierFor(deps: CarrierDeps, accountId: string, livemode: boolean): Carrier {
  if (livemode && twilioConfigured(deps.env)) return twilioCarrier(deps, accountId);
  return simulatedCarrier(deps, accountId, livemode);
}

export const carrierNameFor = (env: Env, livemode: boolean): Carrier["name"] =>
  livemode && twilioConfigured(env) ? "twilio" : "simulated";
