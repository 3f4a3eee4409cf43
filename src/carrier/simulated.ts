import type { SimulatedJob, SimulatedOutcome } from "../durable/carrier-simulator";
import { carrierSimulatorStub } from "../durable/stubs";
import { crc32 } from "../keys/secret";
import { MAGIC_FAILURES, MAGIC_NUMBERS } from "../messaging/phone";
import type { Carrier, CarrierDeps } from "./types";

/** What the simulated network does to a message sent to `to` (SPEC §7's magic numbers). */
export function messageOutcome(to: string): SimulatedOutcome {
  if (to === MAGIC_NUMBERS.fail) {
    return {
      kind: "message",
      status: "failed",
      errorCode: "30006",
      errorMessage: "Landline or unreachable carrier.",
    };
  }
  const magic = MAGIC_FAILURES[to];
  if (magic) return { kind: "message", status: "failed", ...magic };
  if (to === MAGIC_NUMBERS.unknown) {
    return {
      kind: "message",
      status: "unknown",
      errorCode: null,
      errorMessage: "The carrier did not report a final status.",
    };
  }
  return { kind: "message", status: "delivered", errorCode: null, errorMessage: null };
}

/** Calls to the failure number fail; others complete with a stable duration and a recording. */
export function callOutcome(callId: string, to: string): SimulatedOutcome {
  if (to === MAGIC_NUMBERS.fail || MAGIC_FAILURES[to])
    return { kind: "call", status: "failed", durationSeconds: 0, recordingUrl: null };
  return {
    kind: "call",
    status: "completed",
    durationSeconds: 5 + (crc32(callId) % 295),
    recordingUrl: `https://recordings.example.com/${callId}.mp3`,
  };
}

/**
 * The embedded carrier: no network, outcomes after CARRIER_DELAY_MS, driven by the simulator
 * object's alarm. Test keys always use it; live keys use it unless a real carrier is configured.
 */
export function simulatedCarrier(deps: CarrierDeps, accountId: string, livemode: boolean): Carrier {
  const scope = { accountId, livemode };
  // Hand-offs started together (one pump round) travel to the simulator in one call.
  let pending: { jobs: SimulatedJob[]; sent: Promise<void> } | null = null;
  const simulator = () => ({
    schedule(job: SimulatedJob): Promise<void> {
      if (!pending) {
        const batch: { jobs: SimulatedJob[]; sent: Promise<void> } = {
          jobs: [],
          sent: Promise.resolve().then(() => {
            pending = null;
            return carrierSimulatorStub(deps.env, accountId, livemode).scheduleMany(
              scope,
              batch.jobs,
            );
          }),
        };
        pending = batch;
      }
      pending.jobs.push(job);
      return pending.sent;
    },
  });
  const dueAt = () => deps.now() + deps.config.carrierDelayMs;
  return {
    name: "simulated",
    async sendMessage(message) {
      const id = `SMsim${message.id.slice(4)}`;
      await simulator().schedule({
        id,
        targetId: message.id,
        outcome: messageOutcome(message.to),
        dueAt: dueAt(),
      });
      return { carrierSid: id };
    },
    async startCall(call) {
      const id = `CAsim${call.id.slice(5)}`;
      await simulator().schedule({
        id,
        targetId: call.id,
        outcome: callOutcome(call.id, call.to),
        dueAt: dueAt(),
      });
      return { carrierSid: id };
    },
  };
}
