import type { MessagingDeps, Scope } from "../messaging/deps";
import { simulatedCarrier } from "./simulated";
import { twilioCarrier, twilioConfigured } from "./twilio";
import type { Carrier } from "./types";

/** Test mode always uses the simulated carrier; live mode uses a real one when configured. */
export function carrierFor(deps: MessagingDeps, scope: Scope): Carrier {
  if (scope.livemode && twilioConfigured(deps.env)) return twilioCarrier(deps, scope);
  return simulatedCarrier(deps, scope);
}
