/**
 * What the messaging core asks of a carrier. Receipts, call completions and inbound messages come
 * back asynchronously through the messaging functions `applyMessageStatus`, `completeCall` and
 * `receiveInbound` (src/messaging), whichever carrier produced them.
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

/** A carrier refused the hand-off itself (not a later delivery failure). */
export class CarrierRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "CarrierRejected";
  }
}
