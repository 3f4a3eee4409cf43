import { z } from "@hono/zod-openapi";
import type { WebhookEndpoint } from "../db/schema";
import { EVENT_TYPES, type EventType } from "../events/catalog";
import { toIso, toIsoOrNull } from "../lib/time";

/**
 * Seed 003's Integrations API is a second face of webhook endpoints: the same rows, shown and
 * accepted in TextUs's JSON-LD shape.
 */
export const TEXTUS_MEDIA_TYPE = "application/vnd.textus+jsonld";
export const INTEGRATION_CONTEXT = "/contexts/Integration.jsonld";
/** What TextUs's web app subscribes to when no actions are given. */
export const DEFAULT_ACTIONS: EventType[] = ["message.delivered", "message.received"];

const Actions = z.partialRecord(z.enum(EVENT_TYPES), z.boolean()).openapi({
  example: { "message.received": true, "message.delivered": true, "contact.opted_out": true },
});

export const IntegrationBody = z
  .object({
    "@type": z.literal("Integration").optional(),
    "@context": z.string().max(200).optional(),
    active: z.boolean().optional(),
    provider: z.literal("webhook"),
    config: z.object({
      baseUrl: z.string().trim().min(1).max(2048),
      webhookSecret: z.string().min(8).max(256).optional(),
      clientSecret: z.string().min(1).max(512).optional(),
    }),
    settings: z
      .object({
        actions: Actions,
        includeSubaccounts: z.boolean().optional().openapi({
          description:
            "Also receive every sub-account's events. Defaults to true when the account has sub-accounts (an org account), else false.",
        }),
      })
      .optional(),
  })
  .openapi("IntegrationInput");

export const IntegrationPatch = z
  .object({
    "@type": z.literal("Integration").optional(),
    "@context": z.string().max(200).optional(),
    active: z.boolean().optional(),
    provider: z.literal("webhook").optional(),
    config: z
      .object({
        baseUrl: z.string().trim().min(1).max(2048).optional(),
        webhookSecret: z.string().min(8).max(256).optional(),
        clientSecret: z.string().min(1).max(512).nullable().optional(),
      })
      .optional(),
    settings: z
      .object({ actions: Actions.optional(), includeSubaccounts: z.boolean().optional() })
      .optional(),
  })
  .openapi("IntegrationPatch");

export const IntegrationSchema = z
  .object({
    "@context": z.string(),
    "@id": z.string(),
    "@type": z.literal("Integration"),
    id: z.string(),
    active: z.boolean(),
    provider: z.literal("webhook"),
    config: z.object({
      baseUrl: z.string(),
      webhookSecret: z.string().optional(),
      hasClientSecret: z.boolean(),
    }),
    settings: z.object({
      actions: z.record(z.string(), z.boolean()),
      includeSubaccounts: z.boolean(),
    }),
    status: z.string(),
    pendingCount: z.number().int(),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Integration");

/** Enabled actions, in catalog order; `current` supplies the ones a partial update leaves alone. */
export function eventsFromActions(
  actions: Partial<Record<EventType, boolean>>,
  current: readonly string[] = [],
): EventType[] {
  return EVENT_TYPES.filter((type) => actions[type] ?? current.includes(type));
}

export function integrationResource(
  endpoint: WebhookEndpoint,
  slug: string,
  options: { withSecret?: boolean } = {},
) {
  return {
    "@context": INTEGRATION_CONTEXT,
    "@id": `/${slug}/integrations/${endpoint.id}`,
    "@type": "Integration" as const,
    id: endpoint.id,
    active: endpoint.active,
    provider: "webhook" as const,
    config: {
      baseUrl: endpoint.url,
      ...(options.withSecret ? { webhookSecret: endpoint.secret } : {}),
      hasClientSecret: endpoint.clientSecret !== null,
    },
    settings: {
      actions: Object.fromEntries(
        EVENT_TYPES.map((type) => [type, endpoint.events.includes(type)]),
      ),
      includeSubaccounts: endpoint.includeSubaccounts,
    },
    status: endpoint.status,
    pendingCount: endpoint.pendingCount,
    lastSuccessAt: toIsoOrNull(endpoint.lastSuccessAt),
    lastFailureAt: toIsoOrNull(endpoint.lastFailureAt),
    lastError: endpoint.lastError,
    createdAt: toIso(endpoint.createdAt),
    updatedAt: toIso(endpoint.updatedAt),
  };
}
