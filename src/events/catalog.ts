import { z } from "@hono/zod-openapi";
import { base62FromNumber } from "../lib/encoding";
import {
  EndpointHealthData,
  OPERATIONAL_DESCRIPTIONS,
  type OperationalEventType,
  sampleHealth,
} from "./operational";

/**
 * The event types a webhook endpoint can subscribe to (SPEC §5), their payload shapes, and sample
 * payloads for `GET /v1/event-types` and the dashboard's "Test" button. The names are TextUs's, so
 * an integration written against TextUs subscribes with the same strings.
 */
export const EVENT_TYPES = [
  "message.sent",
  "message.delivered",
  "message.failed",
  "message.unknown",
  "message.received",
  "phone_call.completed",
  "contact.created",
  "contact.opted_out",
  "contact.opted_in",
  "contact.tag_changed",
  "endpoint.failed",
  "endpoint.recovered",
  "endpoint.disabled",
  "endpoint.backlog_warning",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value);

const E164 = z
  .string()
  .regex(/^\+[1-9][0-9]{1,14}$/, "Expected an E.164 phone number.")
  .openapi({ example: "+15555550123" });
const Timestamp = z.iso.datetime().openapi({ example: "2025-01-15T17:04:05.123Z" });
const prefixedId = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9A-Za-z]+$`))
    .openapi({ example: `${prefix}_0VZ2xTqK3aBcDeFgHiJkLmNoP` });

export const MessageData = z
  .object({
    id: prefixedId("msg"),
    direction: z.enum(["outbound", "inbound"]),
    from: E164,
    to: E164,
    body: z.string(),
    status: z.enum(["queued", "sent", "delivered", "failed", "unknown", "received"]),
    custom_id: z.string().nullable().openapi({
      description: "The `custom_id` given when sending, for matching events to your own records.",
    }),
    error_code: z.string().nullable().openapi({ example: "30006" }),
    error_message: z.string().nullable(),
    segments: z.int().min(0).openapi({ description: "SMS segments the body was split into." }),
    created_at: Timestamp,
    contact_id: z.string().nullable(),
  })
  .openapi("MessageData");
export type MessageData = z.infer<typeof MessageData>;

export const CallData = z
  .object({
    id: prefixedId("call"),
    from: E164,
    to: E164,
    status: z.enum(["completed", "failed", "busy", "no-answer"]),
    duration_seconds: z.int().min(0),
    recording_url: z.string().nullable(),
    created_at: Timestamp,
    completed_at: Timestamp,
  })
  .openapi("CallData");
export type CallData = z.infer<typeof CallData>;

export const ContactData = z
  .object({
    id: prefixedId("ct"),
    phone: E164,
    name: z.string().nullable(),
    tags: z.array(z.string()),
    opted_out: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ContactData");
export type ContactData = z.infer<typeof ContactData>;

export const TagChangeData = z
  .object({
    contact: ContactData,
    previous_tags: z.array(z.string()).openapi({ example: ["Cold"] }),
    tags: z.array(z.string()).openapi({ example: ["Warm"] }),
  })
  .openapi("TagChangeData");
export type TagChangeData = z.infer<typeof TagChangeData>;

export interface EventTypeInfo {
  description: string;
  dataSchema: z.ZodType;
  sample: (ctx: { now: number }) => unknown;
}

// Samples are a pure function of `now`, so the same request always shows the same payload and
// ids still look like real, time-ordered ones (see `timeOrderedIds`).
const ACCOUNT_NUMBER = "+15555550100";
const CUSTOMER_NUMBER = "+15555550123";
const sampleId = (prefix: string, ms: number, suffix: string) =>
  `${prefix}_${base62FromNumber(ms, 9)}${suffix}`;
const iso = (ms: number) => new Date(ms).toISOString();

function sampleMessage(now: number, overrides: Partial<MessageData>): MessageData {
  const createdAt = now - 4_000;
  return {
    id: sampleId("msg", createdAt, "Xq3vT8kLm2NpRs"),
    direction: "outbound",
    from: ACCOUNT_NUMBER,
    to: CUSTOMER_NUMBER,
    body: "Hi Ada, your appointment is confirmed for Tuesday at 3pm. Reply STOP to opt out.",
    status: "sent",
    custom_id: "order-1042",
    error_code: null,
    error_message: null,
    segments: 1,
    created_at: iso(createdAt),
    contact_id: sampleId("ct", now - 86_400_000, "Hc7WqZ2pLx9RtB"),
    ...overrides,
  };
}

function sampleContact(now: number, overrides: Partial<ContactData>): ContactData {
  const createdAt = now - 86_400_000;
  return {
    id: sampleId("ct", createdAt, "Hc7WqZ2pLx9RtB"),
    phone: CUSTOMER_NUMBER,
    name: "Ada Lovelace",
    tags: ["Cold"],
    opted_out: false,
    created_at: iso(createdAt),
    updated_at: iso(now),
    ...overrides,
  };
}

const operational = (type: OperationalEventType): EventTypeInfo => ({
  description: OPERATIONAL_DESCRIPTIONS[type],
  dataSchema: EndpointHealthData,
  sample: ({ now }) => sampleHealth(type, now),
});

export const EVENT_CATALOG: Record<EventType, EventTypeInfo> = {
  "message.sent": {
    description:
      "An outgoing message was handed to the carrier; a delivered, failed or unknown event follows.",
    dataSchema: MessageData,
    sample: ({ now }) => sampleMessage(now, { status: "sent" }),
  },
  "message.delivered": {
    description: "An outgoing message was delivered to the recipient's phone.",
    dataSchema: MessageData,
    sample: ({ now }) => sampleMessage(now, { status: "delivered" }),
  },
  "message.failed": {
    description:
      "An outgoing message failed to deliver; a failed send first emits message.sent, then this event with the carrier's error.",
    dataSchema: MessageData,
    sample: ({ now }) =>
      sampleMessage(now, {
        to: "+15005550001",
        status: "failed",
        error_code: "30006",
        error_message: "Landline or unreachable carrier.",
        contact_id: null,
      }),
  },
  "message.unknown": {
    description:
      "An outgoing message was sent but the carrier never confirmed whether it was delivered.",
    dataSchema: MessageData,
    sample: ({ now }) =>
      sampleMessage(now, {
        to: "+15005550002",
        status: "unknown",
        error_message: "The carrier did not report a final delivery status.",
        contact_id: null,
      }),
  },
  "message.received": {
    description: "An incoming message was received from a contact.",
    dataSchema: MessageData,
    sample: ({ now }) =>
      sampleMessage(now, {
        direction: "inbound",
        from: CUSTOMER_NUMBER,
        to: ACCOUNT_NUMBER,
        body: "Thanks! See you on Tuesday.",
        status: "received",
        custom_id: null,
      }),
  },
  "phone_call.completed": {
    description:
      "A phone call ended; the payload carries its outcome, duration and recording link.",
    dataSchema: CallData,
    sample: ({ now }): CallData => {
      const createdAt = now - 200_000;
      const id = sampleId("call", createdAt, "Vb8NmQ4rTz1KyD");
      return {
        id,
        from: ACCOUNT_NUMBER,
        to: CUSTOMER_NUMBER,
        status: "completed",
        duration_seconds: 184,
        recording_url: `https://recordings.example.com/${id}.mp3`,
        created_at: iso(createdAt),
        completed_at: iso(now),
      };
    },
  },
  "contact.created": {
    description: "A contact was created, from the API, the dashboard or a first incoming message.",
    dataSchema: ContactData,
    sample: ({ now }) => sampleContact(now, { created_at: iso(now), tags: [] }),
  },
  "contact.opted_out": {
    description:
      "A contact opted out of text messages (for example by replying STOP); sends to them are refused.",
    dataSchema: ContactData,
    sample: ({ now }) => sampleContact(now, { opted_out: true }),
  },
  "contact.opted_in": {
    description:
      "A contact opted back in to text messages (for example by replying START) after opting out.",
    dataSchema: ContactData,
    sample: ({ now }) => sampleContact(now, { opted_out: false }),
  },
  "contact.tag_changed": {
    description:
      "A contact's tags changed (for example Cold → Warm); both old and new tags are sent.",
    dataSchema: TagChangeData,
    sample: ({ now }): TagChangeData => ({
      contact: sampleContact(now, { tags: ["Warm"] }),
      previous_tags: ["Cold"],
      tags: ["Warm"],
    }),
  },
  "endpoint.failed": operational("endpoint.failed"),
  "endpoint.recovered": operational("endpoint.recovered"),
  "endpoint.disabled": operational("endpoint.disabled"),
  "endpoint.backlog_warning": operational("endpoint.backlog_warning"),
};

export interface EventEnvelope {
  id: string;
  type: EventType;
  created_at: string;
  account_id: string;
  /** The parent of the account it happened in (null at the top of a hierarchy). */
  parent_account_id: string | null;
  livemode: boolean;
  data: unknown;
}

/**
 * The literal is written in wire order on purpose: JSON.stringify keeps insertion order, and the
 * signed body is exactly that string, so the order is part of what receivers see and verify.
 */
export function buildEnvelope(input: {
  id: string;
  type: EventType;
  createdAt: number;
  accountId: string;
  parentAccountId?: string | null | undefined;
  livemode: boolean;
  data: unknown;
}): EventEnvelope {
  return {
    id: input.id,
    type: input.type,
    created_at: new Date(input.createdAt).toISOString(),
    account_id: input.accountId,
    parent_account_id: input.parentAccountId ?? null,
    livemode: input.livemode,
    data: input.data,
  };
}

export function sampleEnvelope(
  type: EventType,
  ctx: { id: string; accountId: string; livemode: boolean; now: number },
): EventEnvelope {
  return buildEnvelope({
    id: ctx.id,
    type,
    createdAt: ctx.now,
    accountId: ctx.accountId,
    livemode: ctx.livemode,
    data: EVENT_CATALOG[type].sample({ now: ctx.now }),
  });
}
