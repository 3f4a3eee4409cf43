import type { Config } from "../config";

/**
 * What the account ledger asks of a carrier, after a send or call has committed. Receipts, call
 * completions and inbound messages come back asynchronously to the account object
 * (`applyReceipt`, `completeCall`, `receiveInbound`), whichever carrier produced them.
 */
export interface OutboundMessage {
  id: string;
  accountId: string;
  livemode: boolean;
  from: string;
  to: string;
  body: string;
}

export interface OutboundCall {
  id: string;
  accountId: string;
  livemode: boolean;
  from: string;
  to: string;
}

export interface Carrier {
  readonly name: "simulated" | "twilio";
  sendMessage(message: OutboundMessage): Promise<{ carrierSid: string }>;
  startCall(call: OutboundCall): Promise<{ carrierSid: string }>;
}

/** What a carrier adapter needs: bindings, configuration and the time. */
export interface CarrierDeps {
  env: Env;
  config: Config;
  now(): number;
}

/** A carrier refused the hand-off itself (not a later delivery failure): final. */
export class CarrierRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "CarrierRejected";
  }
}

/** The carrier could not be reached or answered 5xx: the hand-off is retried. */
export class CarrierUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CarrierUnavailable";
  }
}
