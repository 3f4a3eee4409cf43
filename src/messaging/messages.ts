import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { carrierFor } from "../carrier/select";
import { CarrierRejected } from "../carrier/types";
import { type Message, messages } from "../db/schema";
import { publish } from "../delivery/publish";
import { ApiError, notFound } from "../errors";
import { toIso } from "../lib/time";
import { contactForInbound, findContactByPhone, setOptOut } from "./contacts";
import type { MessagingDeps, Scope } from "./deps";
import { countSegments, keywordOf } from "./phone";

export type MessageStatus = Message["status"];

/** The API resource and the event `data` are the same shape (the catalog's MessageData). */
export const messageResource = (message: Message) => ({
  id: message.id,
  direction: message.direction,
  from: message.from,
  to: message.to,
  body: message.body,
  status: message.status,
  custom_id: message.customId,
  error_code: message.errorCode,
  error_message: message.errorMessage,
  segments: message.segments,
  created_at: toIso(message.createdAt),
  contact_id: message.contactId,
});

const RECEIPT_EVENTS = {
  delivered: "message.delivered",
  failed: "message.failed",
  unknown: "message.unknown",
} as const;

/**
 * Sending marks the message `sent` and emits `message.sent` when it is handed to the carrier;
 * a hand-off the carrier refuses then emits `message.failed` (TextLink: sent, then failed).
 */
export async function sendMessage(
  deps: MessagingDeps,
  scope: Scope,
  input: { to: string; body: string; from?: string | undefined; customId?: string | undefined },
): Promise<Message> {
  const contact = await findContactByPhone(deps, scope, input.to);
  if (contact?.optedOut) {
    throw new ApiError(
      "contact_opted_out",
      `${input.to} has opted out of messages; they can text START to opt back in.`,
      {
        details: { contact_id: contact.id },
      },
    );
  }
  const carrier = carrierFor(deps, scope);
  const now = deps.services.clock.now();
  const message: Message = {
    id: deps.services.ids.next("msg"),
    accountId: scope.accountId,
    livemode: scope.livemode,
    direction: "outbound",
    from: input.from ?? deps.config.defaultFromNumber,
    to: input.to,
    body: input.body,
    status: "sent",
    customId: input.customId ?? null,
    errorCode: null,
    errorMessage: null,
    segments: countSegments(input.body),
    contactId: contact?.id ?? null,
    carrier: carrier.name,
    carrierSid: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.insert(messages).values(message);
  await publish(deps, { ...scope, type: "message.sent", data: messageResource(message) });
  try {
    const { carrierSid } = await carrier.sendMessage(message);
    await deps.db.update(messages).set({ carrierSid }).where(eq(messages.id, message.id));
    return { ...message, carrierSid };
  } catch (error) {
    if (!(error instanceof CarrierRejected)) throw error;
    return (
      (await applyMessageStatus(deps, scope, message.id, {
        status: "failed",
        errorCode: error.code,
        errorMessage: error.message,
      })) ?? message
    );
  }
}

/**
 * A delivery receipt from any carrier. Only a message still in flight changes, so duplicate or
 * late receipts are harmless; each real change emits its event once.
 */
export async function applyMessageStatus(
  deps: MessagingDeps,
  scope: Scope,
  messageId: string,
  receipt: {
    status: "delivered" | "failed" | "unknown";
    errorCode?: string | null;
    errorMessage?: string | null;
  },
): Promise<Message | null> {
  const updated = await deps.db
    .update(messages)
    .set({
      status: receipt.status,
      errorCode: receipt.errorCode ?? null,
      errorMessage: receipt.errorMessage ?? null,
      updatedAt: deps.services.clock.now(),
    })
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.accountId, scope.accountId),
        eq(messages.livemode, scope.livemode),
        // `unknown` is not final: a later definite receipt still lands (once).
        inArray(
          messages.status,
          receipt.status === "unknown" ? ["queued", "sent"] : ["queued", "sent", "unknown"],
        ),
      ),
    )
    .returning();
  const message = updated[0];
  if (!message) return null;
  await publish(deps, {
    ...scope,
    type: RECEIPT_EVENTS[receipt.status],
    data: messageResource(message),
  });
  return message;
}

/**
 * An inbound SMS: its sender becomes a contact if new (`contact.created`), the message is stored
 * and emitted (`message.received`), and STOP/START keywords change the contact's opt-out state.
 */
export async function receiveInbound(
  deps: MessagingDeps,
  scope: Scope,
  input: {
    from: string;
    to: string;
    body: string;
    carrier: Message["carrier"];
    carrierSid?: string | null;
  },
): Promise<Message> {
  const contact = await contactForInbound(deps, scope, input.from);
  const now = deps.services.clock.now();
  const message: Message = {
    id: deps.services.ids.next("msg"),
    accountId: scope.accountId,
    livemode: scope.livemode,
    direction: "inbound",
    from: input.from,
    to: input.to,
    body: input.body,
    status: "received",
    customId: null,
    errorCode: null,
    errorMessage: null,
    segments: countSegments(input.body),
    contactId: contact.id,
    carrier: input.carrier,
    carrierSid: input.carrierSid ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.insert(messages).values(message);
  await publish(deps, { ...scope, type: "message.received", data: messageResource(message) });
  const keyword = keywordOf(input.body);
  if (keyword) await setOptOut(deps, scope, contact, keyword === "opt_out");
  return message;
}

export async function getMessage(deps: MessagingDeps, scope: Scope, id: string): Promise<Message> {
  const rows = await deps.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.id, id),
        eq(messages.accountId, scope.accountId),
        eq(messages.livemode, scope.livemode),
      ),
    )
    .limit(1);
  const message = rows[0];
  if (!message) throw notFound("message");
  return message;
}

export function listMessages(
  deps: MessagingDeps,
  scope: Scope,
  filter: {
    status?: MessageStatus | undefined;
    direction?: Message["direction"] | undefined;
    contactId?: string | undefined;
  },
  limit: number,
  cursor?: string,
) {
  return deps.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.accountId, scope.accountId),
        eq(messages.livemode, scope.livemode),
        filter.status ? eq(messages.status, filter.status) : undefined,
        filter.direction ? eq(messages.direction, filter.direction) : undefined,
        filter.contactId ? eq(messages.contactId, filter.contactId) : undefined,
        cursor ? lt(messages.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(limit + 1);
}
