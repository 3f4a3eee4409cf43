import type { FinalCallStatus, Receipt } from "../messaging/transitions";

/** Twilio's status callbacks usually carry only ErrorCode; the API still wants a readable reason. */
const DEFAULT_FAILURE = "The carrier could not deliver the message.";

/** Twilio's MessageStatus to our receipt; null for the intermediate states that change nothing. */
export function receiptOf(
  messageStatus: string,
  errorCode: string | null,
  errorMessage: string | null,
): Receipt | null {
  const status = messageStatus.toLowerCase();
  switch (status) {
    case "delivered":
    case "read": // WhatsApp-style read receipts come only after delivery.
      return { status: "delivered" };
    case "undelivered":
    case "failed":
    case "canceled": // A scheduled message canceled before sending will never arrive.
      return {
        status: "failed",
        errorCode: errorCode,
        errorMessage: errorMessage ?? DEFAULT_FAILURE,
      };
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
    case "sent":
      return null;
    default:
      return {
        status: "unknown",
        errorCode: errorCode,
        errorMessage: errorMessage ?? `The carrier reported "${status}", not a final status.`,
      };
  }
}

export const FINAL_CALL_STATUS: Record<string, FinalCallStatus> = {
  completed: "completed",
  failed: "failed",
  busy: "busy",
  "no-answer": "no-answer",
  canceled: "failed",
};
