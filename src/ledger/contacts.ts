import { and, desc, eq, lt, sql } from "drizzle-orm";
import { ApiError, notFound } from "../errors";
import { contactData } from "../messaging/resources";
import { normalizeTags, tagsChanged } from "../messaging/transitions";
import { type Contact, contacts } from "../storage/account/schema";
import type { LedgerContext } from "./context";
import { isUniqueViolation, type LedgerDb } from "./db";

const phoneTaken = (phone: string) =>
  new ApiError("conflict", `A contact with phone ${phone} already exists.`);

export function createContact(
  ctx: LedgerContext,
  input: { phone: string; name?: string | null | undefined; tags?: string[] | undefined },
): Contact {
  if (findContactByPhone(ctx.db, ctx.livemode, input.phone)) throw phoneTaken(input.phone);
  const contact: Contact = {
    id: ctx.ids.next("ct"),
    livemode: ctx.livemode,
    phone: input.phone,
    name: input.name ?? null,
    tags: normalizeTags(input.tags ?? []),
    optedOut: false,
    optedOutAt: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.db.insert(contacts).values(contact).run();
  ctx.emit("contact.created", contactData(contact));
  return contact;
}

export const findContactByPhone = (db: LedgerDb, livemode: boolean, phone: string) =>
  db
    .select()
    .from(contacts)
    .where(and(eq(contacts.livemode, livemode), eq(contacts.phone, phone)))
    .get();

/** Inbound messages from unknown numbers create their contact (TextUs: `contact.created`). */
export const contactForInbound = (ctx: LedgerContext, phone: string): Contact =>
  findContactByPhone(ctx.db, ctx.livemode, phone) ?? createContact(ctx, { phone });

export function getContact(db: LedgerDb, livemode: boolean, id: string): Contact {
  const contact = db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.livemode, livemode)))
    .get();
  if (!contact) throw notFound("contact");
  return contact;
}

/** The tag filter is part of the query, so a page is full whenever more rows exist. */
export const listContacts = (
  db: LedgerDb,
  livemode: boolean,
  filter: { tag?: string | undefined; opted_out?: boolean | undefined },
  limit: number,
  cursor?: string,
): Contact[] =>
  db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.livemode, livemode),
        filter.opted_out === undefined ? undefined : eq(contacts.optedOut, filter.opted_out),
        filter.tag === undefined
          ? undefined
          : sql`exists (select 1 from json_each(${contacts.tags}) where json_each.value = ${filter.tag})`,
        cursor ? lt(contacts.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(contacts.id))
    .limit(limit + 1)
    .all();

/** Tag changes emit `contact.tag_changed` with the tags before and after (TextLink's Cold → Warm). */
export function updateContact(
  ctx: LedgerContext,
  id: string,
  patch: {
    name?: string | null | undefined;
    tags?: string[] | undefined;
    phone?: string | undefined;
  },
): Contact {
  const current = getContact(ctx.db, ctx.livemode, id);
  const tags = patch.tags === undefined ? current.tags : normalizeTags(patch.tags);
  const updated: Contact = {
    ...current,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.phone === undefined ? {} : { phone: patch.phone }),
    tags,
    updatedAt: ctx.now,
  };
  try {
    ctx.db
      .update(contacts)
      .set({
        name: updated.name,
        phone: updated.phone,
        tags: updated.tags,
        updatedAt: updated.updatedAt,
      })
      .where(eq(contacts.id, id))
      .run();
  } catch (error) {
    if (isUniqueViolation(error)) throw phoneTaken(updated.phone);
    throw error;
  }
  if (tagsChanged(current.tags, tags)) {
    ctx.emit("contact.tag_changed", {
      contact: contactData(updated),
      previous_tags: current.tags,
      tags,
    });
  }
  return updated;
}

export function deleteContact(ctx: LedgerContext, id: string): Contact {
  const contact = getContact(ctx.db, ctx.livemode, id);
  ctx.db.delete(contacts).where(eq(contacts.id, id)).run();
  return contact;
}

/** Opt-out and opt-in are idempotent: only a real change emits an event. */
export function setOptOut(ctx: LedgerContext, contact: Contact, optedOut: boolean): Contact {
  if (contact.optedOut === optedOut) return contact;
  const updated: Contact = {
    ...contact,
    optedOut,
    optedOutAt: optedOut ? ctx.now : null,
    updatedAt: ctx.now,
  };
  ctx.db
    .update(contacts)
    .set({ optedOut, optedOutAt: updated.optedOutAt, updatedAt: ctx.now })
    .where(eq(contacts.id, contact.id))
    .run();
  ctx.emit(optedOut ? "contact.opted_out" : "contact.opted_in", contactData(updated));
  return updated;
}
