import type { Call, Message } from "../storage/account/schema";

export type MessageStatus = Message["status"];
export type Receipt = {
  status: "delivered" | "failed" | "unknown";
  errorCode?: string | null;
  errorMessage?: string | null;
};
export type FinalCallStatus = "completed" | "failed" | "busy" | "no-answer";

export const RECEIPT_EVENTS = {
  delivered: "message.delivered",
  failed: "message.failed",
  unknown: "message.unknown",
} as const;

/**
 * Whether a receipt changes a message: only a message still in flight changes, so duplicate or
 * late receipts are harmless. `unknown` is not final: a later definite receipt still lands, once.
 * A receipt for a message the ledger still has `queued` means the hand-off was recorded late; the
 * message counts as sent first (so `message.sent` still precedes the receipt's event).
 *
 * @example receiptApplies("sent", "delivered") // true
 * @example receiptApplies("delivered", "failed") // false
 */
export function receiptApplies(current: MessageStatus, next: Receipt["status"]): boolean {
  if (current === "queued" || current === "sent") return true;
  return current === "unknown" && next !== "unknown";
}

/** Only the first final status of a call counts. */
export const callIsOpen = (status: Call["status"]): boolean =>
  status === "queued" || status === "in-progress";

const sameTags = (a: string[], b: string[]) =>
  a.length === b.length && a.every((tag, index) => tag === b[index]);

/** Tags are trimmed, deduplicated and kept in the order given. */
export const normalizeTags = (tags: string[]) => [
  ...new Set(tags.map((tag) => tag.trim()).filter(Boolean)),
];

export const tagsChanged = (before: string[], after: string[]) => !sameTags(before, after);
