import { toIso, toIsoOrNull } from "../lib/time";
import type { Call, Contact, Message } from "../storage/account/schema";

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

/** The `data` of contact events (SPEC §5 / the event catalog's ContactData): the resource less its mode and opt-out time. */
export const contactData = (contact: Contact) => {
  const { opted_out_at: _optedOutAt, livemode: _livemode, ...data } = contactResource(contact);
  return data;
};

export const callResource = (call: Call) => ({
  id: call.id,
  from: call.from,
  to: call.to,
  status: call.status,
  duration_seconds: call.durationSeconds,
  recording_url: call.recordingUrl,
  contact_id: call.contactId,
  created_at: toIso(call.createdAt),
  completed_at: toIsoOrNull(call.completedAt),
});

/** The `data` of `phone_call.completed`: the resource less its contact link (key order kept). */
export const callCompletedData = (call: Call) => {
  const { contact_id: _contactId, ...data } = callResource(call);
  return data;
};
