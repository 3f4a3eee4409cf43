import { and, desc, eq, lt } from "drizzle-orm";
import { ApiError, notFound } from "../errors";
import { countSegments, keywordOf } from "../messaging/phone";
import { messageResource } from "../messaging/resources";
import { RECEIPT_EVENTS, type Receipt, receiptApplies } from "../messaging/transitions";
import { type Message, messages, tasks } from "../storage/account/schema";
import { contactForInbound, findContactByPhone, setOptOut } from "./contacts";
import type { LedgerContext } from "./context";
import type { LedgerDb } from "./db";
import { senderFor } from "./numbers";
import { helpText } from "./profile";

export type CarrierName = Message["carrier"];

/**
 * A send commits as `queued` together with its hand-off task; the carrier sees it only after the
 * commit (src/ledger/handoff.ts), and `message.sent` is emitted when the carrier has it.
 */
export function queueMessage(
  ctx: LedgerContext,
  carrier: CarrierName,
  input: { to: string; body: string; from?: string | undefined; customId?: string | undefined },
  /** A HELP reply goes out even to an opted-out contact (carriers require it), from the number asked. */
  reply = false,
): Message {
  const from = reply && input.from ? input.from : senderFor(ctx, input.from);
  const contact = findContactByPhone(ctx.db, ctx.livemode, input.to);
  if (contact?.optedOut && !reply) {
    throw new ApiError(
      "contact_opted_out",
      `${input.to} has opted out of messages; they can text START to opt back in.`,
      { details: { contact_id: contact.id } },
    );
  }
  const message: Message = {
    id: ctx.ids.next("msg"),
    livemode: ctx.livemode,
    direction: "outbound",
    from,
    to: input.to,
    body: input.body,
    status: "queued",
    customId: input.customId ?? null,
    errorCode: null,
    errorMessage: null,
    segments: countSegments(input.body),
    contactId: contact?.id ?? null,
    carrier,
    carrierSid: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.db.insert(messages).values(message).run();
  ctx.db
    .insert(tasks)
    .values({
      id: `send:${message.id}`,
      kind: "send_message",
      targetId: message.id,
      livemode: ctx.livemode,
      attempts: 0,
      dueAt: ctx.now,
      lastError: null,
    })
    .run();
  return message;
}

const findMessage = (db: LedgerDb, livemode: boolean, id: string) =>
  db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.livemode, livemode)))
    .get();

/** The carrier has the message: `queued` → `sent`, with `message.sent`, once. */
export function markSent(ctx: LedgerContext, messageId: string, carrierSid: string | null) {
  const message = findMessage(ctx.db, ctx.livemode, messageId);
  if (message?.status !== "queued") return message ?? null;
  const sent: Message = {
    ...message,
    status: "sent",
    carrierSid: carrierSid ?? message.carrierSid,
    updatedAt: ctx.now,
  };
  ctx.db
    .update(messages)
    .set({ status: sent.status, carrierSid: sent.carrierSid, updatedAt: ctx.now })
    .where(eq(messages.id, messageId))
    .run();
  ctx.db
    .delete(tasks)
    .where(eq(tasks.id, `send:${messageId}`))
    .run();
  ctx.emit("message.sent", messageResource(sent));
  return sent;
}

/** A delivery receipt (or a refused hand-off); each real change emits its event once. */
export function applyReceipt(ctx: LedgerContext, messageId: string, receipt: Receipt) {
  const current = findMessage(ctx.db, ctx.livemode, messageId);
  if (current?.direction !== "outbound") return null;
  if (!receiptApplies(current.status, receipt.status)) return null;
  if (current.status === "queued") markSent(ctx, messageId, null);
  const updated: Message = {
    ...current,
    status: receipt.status,
    errorCode: receipt.errorCode ?? null,
    errorMessage: receipt.errorMessage ?? null,
    updatedAt: ctx.now,
  };
  ctx.db
    .update(messages)
    .set({
      status: updated.status,
      errorCode: updated.errorCode,
      errorMessage: updated.errorMessage,
      updatedAt: ctx.now,
    })
    .where(eq(messages.id, messageId))
    .run();
  ctx.emit(RECEIPT_EVENTS[receipt.status], messageResource(updated));
  return updated;
}

/**
 * An inbound SMS, in one transaction: its sender becomes a contact if new (`contact.created`),
 * the message is stored (`message.received`) and STOP/START change the opt-out state. A repeated
 * carrier id is acknowledged without being stored twice.
 */
export function receiveInbound(
  ctx: LedgerContext,
  input: {
    from: string;
    to: string;
    body: string;
    carrier: CarrierName;
    carrierSid?: string | null;
  },
): Message {
  if (input.carrierSid) {
    const seen = ctx.db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.livemode, ctx.livemode),
          eq(messages.carrierSid, input.carrierSid),
          eq(messages.direction, "inbound"),
        ),
      )
      .get();
    if (seen) return seen;
  }
  const contact = contactForInbound(ctx, input.from);
  const message: Message = {
    id: ctx.ids.next("msg"),
    livemode: ctx.livemode,
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
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.db.insert(messages).values(message).run();
  ctx.emit("message.received", messageResource(message));
  const keyword = keywordOf(input.body);
  if (keyword === "help") {
    // Answered in the same commit: the reply is queued with its hand-off task like any send.
    queueMessage(
      ctx,
      input.carrier,
      { to: input.from, from: input.to, body: helpText(ctx.db) },
      true,
    );
  } else if (keyword) {
    setOptOut(ctx, contact, keyword === "opt_out");
  }
  return message;
}

export function getMessage(db: LedgerDb, livemode: boolean, id: string): Message {
  const message = findMessage(db, livemode, id);
  if (!message) throw notFound("message");
  return message;
}

export const listMessages = (
  db: LedgerDb,
  livemode: boolean,
  filter: {
    status?: Message["status"] | undefined;
    direction?: Message["direction"] | undefined;
    contactId?: string | undefined;
  },
  limit: number,
  cursor?: string,
): Message[] =>
  db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.livemode, livemode),
        filter.status ? eq(messages.status, filter.status) : undefined,
        filter.direction ? eq(messages.direction, filter.direction) : undefined,
        filter.contactId ? eq(messages.contactId, filter.contactId) : undefined,
        cursor ? lt(messages.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(limit + 1)
    .all();
