import { and, desc, eq, lt } from "drizzle-orm";
import { isUniqueViolation } from "../db/client";
import { type Contact, contacts } from "../db/schema";
import { publish } from "../delivery/publish";
import { ApiError, notFound } from "../errors";
import { toIso, toIsoOrNull } from "../lib/time";
import type { MessagingDeps, Scope } from "./deps";

export const contactResource = (contact: Contact) => ({
  id: contact.id,
  phone: contact.phone,
  name: contact.name,
  tags: contact.tags,
  opted_out: contact.optedOut,
  opted_out_at: toIsoOrNull(contact.optedOutAt),
  livemode: contact.livemode,
  created_at: toIso(contact.createdAt),
  updated_at: toIso(contact.updatedAt),
});

/** The `data` of contact events (SPEC §5 / the event catalog's ContactData). */
export const contactData = (contact: Contact) => ({
  id: contact.id,
  phone: contact.phone,
  name: contact.name,
  tags: contact.tags,
  opted_out: contact.optedOut,
  created_at: toIso(contact.createdAt),
  updated_at: toIso(contact.updatedAt),
});

const normalizeTags = (tags: string[]) => [
  ...new Set(tags.map((tag) => tag.trim()).filter(Boolean)),
];

export async function createContact(
  deps: MessagingDeps,
  scope: Scope,
  input: { phone: string; name?: string | null | undefined; tags?: string[] | undefined },
): Promise<Contact> {
  const now = deps.services.clock.now();
  const contact: Contact = {
    id: deps.services.ids.next("ct"),
    accountId: scope.accountId,
    livemode: scope.livemode,
    phone: input.phone,
    name: input.name ?? null,
    tags: normalizeTags(input.tags ?? []),
    optedOut: false,
    optedOutAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.db.insert(contacts).values(contact);
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ApiError("conflict", `A contact with phone ${input.phone} already exists.`);
    throw error;
  }
  await publish(deps, { ...scope, type: "contact.created", data: contactData(contact) });
  return contact;
}

export async function findContactByPhone(
  deps: MessagingDeps,
  scope: Scope,
  phone: string,
): Promise<Contact | null> {
  const rows = await deps.db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.accountId, scope.accountId),
        eq(contacts.livemode, scope.livemode),
        eq(contacts.phone, phone),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

/** Inbound messages from unknown numbers create their contact (TextUs: `contact.created`). */
export async function contactForInbound(
  deps: MessagingDeps,
  scope: Scope,
  phone: string,
): Promise<Contact> {
  const existing = await findContactByPhone(deps, scope, phone);
  if (existing) return existing;
  try {
    return await createContact(deps, scope, { phone });
  } catch (error) {
    // Two inbound messages from a new number at once: the other one created it.
    const raced = await findContactByPhone(deps, scope, phone);
    if (raced) return raced;
    throw error;
  }
}

export async function getContact(deps: MessagingDeps, scope: Scope, id: string): Promise<Contact> {
  const rows = await deps.db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.id, id),
        eq(contacts.accountId, scope.accountId),
        eq(contacts.livemode, scope.livemode),
      ),
    )
    .limit(1);
  const contact = rows[0];
  if (!contact) throw notFound("contact");
  return contact;
}

export function listContacts(
  deps: MessagingDeps,
  scope: Scope,
  filter: { tag?: string | undefined; opted_out?: boolean | undefined },
  limit: number,
  cursor?: string,
) {
  return deps.db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.accountId, scope.accountId),
        eq(contacts.livemode, scope.livemode),
        filter.opted_out === undefined ? undefined : eq(contacts.optedOut, filter.opted_out),
        cursor ? lt(contacts.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(contacts.id))
    .limit(limit + 1)
    .then((rows) =>
      filter.tag ? rows.filter((row) => row.tags.includes(filter.tag as string)) : rows,
    );
}

/** Tag changes emit `contact.tag_changed` with the tags before and after (TextLink's Cold → Warm). */
export async function updateContact(
  deps: MessagingDeps,
  scope: Scope,
  id: string,
  patch: {
    name?: string | null | undefined;
    tags?: string[] | undefined;
    phone?: string | undefined;
  },
): Promise<Contact> {
  const current = await getContact(deps, scope, id);
  const tags = patch.tags === undefined ? current.tags : normalizeTags(patch.tags);
  const updated: Contact = {
    ...current,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.phone === undefined ? {} : { phone: patch.phone }),
    tags,
    updatedAt: deps.services.clock.now(),
  };
  try {
    await deps.db
      .update(contacts)
      .set({
        name: updated.name,
        phone: updated.phone,
        tags: updated.tags,
        updatedAt: updated.updatedAt,
      })
      .where(eq(contacts.id, id));
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ApiError("conflict", `A contact with phone ${updated.phone} already exists.`);
    throw error;
  }
  const changed =
    tags.length !== current.tags.length || tags.some((tag, index) => tag !== current.tags[index]);
  if (changed) {
    await publish(deps, {
      ...scope,
      type: "contact.tag_changed",
      data: { contact: contactData(updated), previous_tags: current.tags, tags },
    });
  }
  return updated;
}

export async function deleteContact(
  deps: MessagingDeps,
  scope: Scope,
  id: string,
): Promise<Contact> {
  const contact = await getContact(deps, scope, id);
  await deps.db.delete(contacts).where(eq(contacts.id, id));
  return contact;
}

/** Opt-out and opt-in are idempotent: only a real change emits an event. */
export async function setOptOut(
  deps: MessagingDeps,
  scope: Scope,
  contact: Contact,
  optedOut: boolean,
): Promise<Contact> {
  if (contact.optedOut === optedOut) return contact;
  const now = deps.services.clock.now();
  const updated: Contact = {
    ...contact,
    optedOut,
    optedOutAt: optedOut ? now : null,
    updatedAt: now,
  };
  await deps.db
    .update(contacts)
    .set({ optedOut, optedOutAt: updated.optedOutAt, updatedAt: now })
    .where(eq(contacts.id, contact.id));
  await publish(deps, {
    ...scope,
    type: optedOut ? "contact.opted_out" : "contact.opted_in",
    data: contactData(updated),
  });
  return updated;
}
