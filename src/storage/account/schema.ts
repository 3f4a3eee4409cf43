import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The account object's own SQLite (one Durable Object per account, SPEC §11): the key authority
 * and every high-volume record of the account, so a state change and its events commit in one
 * storage transaction. Times are integer ms since the epoch; `livemode` separates test and live
 * data inside the one object. Documented table by table in docs/storage.md.
 */

/** Which account this object serves; written once, checked on every call. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
});

/** The strongly consistent half of API keys (KV only routes a secret here). */
export const authorityKeys = sqliteTable("authority_keys", {
  keyId: text("key_id").primaryKey(),
  hash: text("hash").notNull(),
  environment: text("environment", { enum: ["production", "test"] }).notNull(),
  scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
  expiresAt: integer("expires_at"),
  /** A revocation time in the future is a rotation grace period. */
  revokedAt: integer("revoked_at"),
});

/**
 * Each key's rate-limit token bucket as last written: the floor an evicted object restarts from.
 * Written only when the bucket has drifted a tenth of the limit below it (src/ledger/authority.ts).
 */
export const rateBuckets = sqliteTable("rate_buckets", {
  keyId: text("key_id").primaryKey(),
  tokens: real("tokens").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    phone: text("phone").notNull(),
    name: text("name"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    optedOut: integer("opted_out", { mode: "boolean" }).notNull(),
    optedOutAt: integer("opted_out_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("contacts_phone_idx").on(table.livemode, table.phone),
    index("contacts_list_idx").on(table.livemode, table.id),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    direction: text("direction", { enum: ["outbound", "inbound"] }).notNull(),
    from: text("from_number").notNull(),
    to: text("to_number").notNull(),
    body: text("body").notNull(),
    status: text("status", {
      enum: ["queued", "sent", "delivered", "failed", "unknown", "received"],
    }).notNull(),
    customId: text("custom_id"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    segments: integer("segments").notNull(),
    contactId: text("contact_id"),
    carrier: text("carrier", { enum: ["simulated", "twilio"] }).notNull(),
    carrierSid: text("carrier_sid"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    index("messages_list_idx").on(table.livemode, table.id),
    index("messages_created_idx").on(table.createdAt),
    // A carrier re-sending an inbound webhook (same MessageSid) must not store it twice.
    uniqueIndex("messages_inbound_sid_idx")
      .on(table.livemode, table.carrierSid)
      .where(sql`direction = 'inbound' AND carrier_sid IS NOT NULL`),
  ],
);

export const calls = sqliteTable(
  "calls",
  {
    id: text("id").primaryKey(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    from: text("from_number").notNull(),
    to: text("to_number").notNull(),
    status: text("status", {
      enum: ["queued", "in-progress", "completed", "failed", "busy", "no-answer"],
    }).notNull(),
    durationSeconds: integer("duration_seconds"),
    recordingUrl: text("recording_url"),
    contactId: text("contact_id"),
    carrier: text("carrier", { enum: ["simulated", "twilio"] }).notNull(),
    carrierSid: text("carrier_sid"),
    /**
     * A recorded live call whose final status arrived before its recording: the status and
     * duration wait here until Twilio's RecordingStatusCallback (or RECORDING_WAIT_MS) completes it.
     */
    pendingStatus: text("pending_status", {
      enum: ["completed", "failed", "busy", "no-answer"],
    }),
    pendingDurationSeconds: integer("pending_duration_seconds"),
    createdAt: integer("created_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (table) => [
    index("calls_list_idx").on(table.livemode, table.id),
    index("calls_created_idx").on(table.createdAt),
  ],
);

/**
 * Every event of the account: the outbox and the event store in one table. `seq` orders the
 * outbox; `endpoint_ids` are the subscriptions it was matched to in the transaction that wrote it.
 */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    type: text("type").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** The exact envelope JSON that is signed and sent. */
    payload: text("payload").notNull(),
    endpointIds: text("endpoint_ids", { mode: "json" }).$type<string[]>().notNull(),
    /**
     * Null for the account's own events; for an event forwarded up from a descendant, the
     * account it happened in. Forwarded rows only feed fan-out (include_subaccounts endpoints
     * and the next parent up); the account's own event API never lists them.
     */
    originAccountId: text("origin_account_id"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    uniqueIndex("events_id_idx").on(table.id),
    index("events_list_idx").on(table.livemode, table.id),
    index("events_created_idx").on(table.createdAt),
  ],
);

/**
 * The account's webhook subscriptions, mirrored from D1 so publishing reads nothing from it.
 * `cursor` is the last outbox `seq` this endpoint's object acknowledged; a deleted endpoint stays
 * as a tombstone (`deleted_at`) so a late, older sync cannot bring it back.
 */
export const subscriptions = sqliteTable("subscriptions", {
  endpointId: text("endpoint_id").primaryKey(),
  /** The control-plane row (WebhookEndpoint) the endpoint object needs to deliver. */
  endpoint: text("endpoint", { mode: "json" }).notNull(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  active: integer("active", { mode: "boolean" }).notNull(),
  updatedAt: integer("updated_at").notNull(),
  cursor: integer("cursor").notNull(),
  failures: integer("failures").notNull().default(0),
  retryAt: integer("retry_at"),
  deletedAt: integer("deleted_at"),
});

/**
 * The account's phone numbers, mirrored from D1 (which keeps them unique across accounts), so a
 * send checks its `from` without leaving the object.
 */
export const phoneNumbers = sqliteTable(
  "phone_numbers",
  {
    id: text("id").primaryKey(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    number: text("number").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [uniqueIndex("phone_numbers_number_idx").on(table.livemode, table.number)],
);

/** Stored first responses for `Idempotency-Key`, written in the transaction of what they created. */
export const idempotency = sqliteTable(
  "idempotency",
  {
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.livemode, table.key] }),
    index("idempotency_created_idx").on(table.createdAt),
  ],
);

/** Work after a commit that talks to the outside (carrier hand-offs), retried by the alarm. */
export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["send_message", "start_call", "finish_call"] }).notNull(),
    targetId: text("target_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    attempts: integer("attempts").notNull(),
    dueAt: integer("due_at").notNull(),
    lastError: text("last_error"),
  },
  (table) => [index("tasks_due_idx").on(table.dueAt)],
);

export type Contact = typeof contacts.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Call = typeof calls.$inferSelect;
export type LedgerEvent = typeof events.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;
export type OwnedNumber = typeof phoneNumbers.$inferSelect;
export type Task = typeof tasks.$inferSelect;
export type AuthorityKeyRow = typeof authorityKeys.$inferSelect;
