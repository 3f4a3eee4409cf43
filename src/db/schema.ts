import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** Times are integer milliseconds since the epoch (UTC); the API renders them as RFC 3339. */

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    parentAccountId: text("parent_account_id"),
    /** The automatic reply to HELP/INFO; null means the product's default text. */
    helpText: text("help_text"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("accounts_parent_idx").on(table.parentAccountId, table.id)],
);

/**
 * The closure of the account tree: one row per (account, ancestor) at every depth, written when
 * a sub-account is created (accounts never move). "Is X an ancestor of Y" is one primary-key
 * lookup, so no request walks the tree.
 */
export const accountAncestors = sqliteTable(
  "account_ancestors",
  {
    accountId: text("account_id").notNull(),
    ancestorId: text("ancestor_id").notNull(),
    depth: integer("depth").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.accountId, table.ancestorId] }),
    index("account_ancestors_ancestor_idx").on(table.ancestorId, table.depth),
  ],
);

/**
 * Phone numbers belong to one account in one mode; the unique index is what makes a number
 * impossible to claim twice, and the lookup inbound carrier callbacks are routed by.
 */
export const phoneNumbers = sqliteTable(
  "phone_numbers",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    number: text("number").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    uniqueIndex("phone_numbers_number_idx").on(table.livemode, table.number),
    index("phone_numbers_account_idx").on(table.accountId, table.id),
  ],
);

export type PhoneNumber = typeof phoneNumbers.$inferSelect;

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    email: text("email").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["admin", "member"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [index("users_account_idx").on(table.accountId, table.id)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    accountId: text("account_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (table) => [
    uniqueIndex("sessions_token_hash_idx").on(table.tokenHash),
    index("sessions_user_idx").on(table.userId),
  ],
);

export type Account = typeof accounts.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Role = User["role"];

/** Metadata only: the secret itself is never stored, its HMAC lives in KV and the authority. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    description: text("description"),
    environment: text("environment", { enum: ["production", "test"] }).notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    prefix: text("prefix").notNull(),
    lastFour: text("last_four").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
    revokedBy: text("revoked_by"),
    rotatedFrom: text("rotated_from"),
  },
  (table) => [index("api_keys_account_idx").on(table.accountId, table.id)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    actorUserId: text("actor_user_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("audit_events_account_idx").on(table.accountId, table.id)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

/**
 * Webhook endpoints (control plane). Signing secrets are stored as given: they must be
 * presented to sign every delivery. The delivery state columns are mirrored from the endpoint's
 * Durable Object so listings stay one D1 query.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    url: text("url").notNull(),
    description: text("description"),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    active: integer("active", { mode: "boolean" }).notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    clientSecret: text("client_secret"),
    source: text("source", { enum: ["api", "integrations", "dashboard"] }).notNull(),
    /** Sends outstanding at once (1 = strict order); set from ENDPOINT_MAX_IN_FLIGHT on create. */
    maxInFlight: integer("max_in_flight").notNull().default(1),
    /** Sends started per second at most; null = no rate cap beyond the window. */
    rateLimitPerSecond: integer("rate_limit_per_second"),
    /** Standard Webhooks asymmetric signing (v1a, ed25519), opt-in: `whsk_…` (PKCS#8, base64). */
    signingPrivateKey: text("signing_private_key"),
    /** Its public half, `whpk_…` (raw 32 bytes, base64), shown on the resource. */
    signingPublicKey: text("signing_public_key"),
    /** Also receives the events of every descendant account (SPEC §2). */
    includeSubaccounts: integer("include_subaccounts", { mode: "boolean" })
      .notNull()
      .default(false),
    status: text("status", { enum: ["active", "retrying", "failed", "disabled"] }).notNull(),
    pendingCount: integer("pending_count").notNull().default(0),
    lastSuccessAt: integer("last_success_at"),
    lastFailureAt: integer("last_failure_at"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [index("webhook_endpoints_account_idx").on(table.accountId, table.id)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

/** What the dashboard shows as failure notices; one row per endpoint state transition. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    type: text("type", {
      enum: [
        "endpoint.failed",
        "endpoint.disabled",
        "endpoint.recovered",
        "endpoint.backlog_warning",
      ],
    }).notNull(),
    message: text("message").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("notifications_account_idx").on(table.accountId, table.id)],
);

export type Notification = typeof notifications.$inferSelect;
