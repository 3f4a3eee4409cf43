import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { readConfig } from "../config";
import type { Database } from "../db/client";
import { limitReached, overLimit } from "../db/limits";
import { type WebhookEndpoint, webhookEndpoints } from "../db/schema";
import { configureEndpoint, forgetEndpoint } from "../delivery/sync";
import { ApiError, notFound } from "../errors";
import type { EventType } from "../events/catalog";
import type { Services } from "../services";
import { generateSigningKeyPair } from "./asymmetric";
import { generateSigningSecret } from "./signing";
import { checkWebhookUrl } from "./url-policy";

export interface EndpointInput {
  url: string;
  events: EventType[];
  description?: string | null | undefined;
  active?: boolean | undefined;
  secret?: string | undefined;
  clientSecret?: string | null | undefined;
  /** Sends outstanding at once, 1–50 (default ENDPOINT_MAX_IN_FLIGHT). */
  maxInFlight?: number | undefined;
  /** Sends per second at most, 1–10,000; null = no cap. */
  rateLimitPerSecond?: number | null | undefined;
  /** Opt in to (or out of) Standard Webhooks `v1a` ed25519 signatures beside `v1`. */
  asymmetricSigning?: boolean | undefined;
  /** Also receive every descendant account's events (SPEC §2). */
  includeSubaccounts?: boolean | undefined;
}

export type EndpointPatch = Partial<EndpointInput>;
export type EndpointSource = WebhookEndpoint["source"];

export interface EndpointDeps {
  db: Database;
  services: Services;
  env: Env;
}

/** URL policy failures are validation errors on the `url` field, like any other zod issue. */
export function validatedUrl(url: string, allowPrivate: boolean, path = "url"): string {
  const verdict = checkWebhookUrl(url, { allowPrivate });
  if (!verdict.ok) {
    throw new ApiError("validation_failed", verdict.reason, {
      details: [{ path, message: verdict.reason, code: "invalid_url" }],
    });
  }
  return verdict.url;
}

export async function createEndpoint(
  { db, services, env }: EndpointDeps,
  accountId: string,
  input: EndpointInput,
  source: EndpointSource,
): Promise<WebhookEndpoint> {
  const now = services.clock.now();
  const active = input.active ?? true;
  const endpoint: WebhookEndpoint = {
    id: services.ids.next("we"),
    accountId,
    url: input.url,
    description: input.description ?? null,
    events: [...new Set(input.events)],
    active,
    secret: input.secret ?? generateSigningSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    clientSecret: input.clientSecret ?? null,
    maxInFlight: input.maxInFlight ?? readConfig(env).endpointMaxInFlight,
    rateLimitPerSecond: input.rateLimitPerSecond ?? null,
    ...(await keyPairFor(input.asymmetricSigning ?? false, null)),
    includeSubaccounts: input.includeSubaccounts ?? false,
    source,
    status: active ? "active" : "disabled",
    pendingCount: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
  const limit = readConfig(env).maxEndpointsPerAccount;
  // Insert and count in one D1 transaction: the row leaves again in the same batch when it is one
  // too many, so concurrent creates can never pass the limit together and a refusal writes nothing.
  const [, refused] = await db.batch([
    db.insert(webhookEndpoints).values(endpoint),
    db
      .delete(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.id, endpoint.id),
          overLimit(webhookEndpoints, webhookEndpoints.accountId, accountId, limit),
        ),
      )
      .returning({ id: webhookEndpoints.id }),
  ]);
  if (refused.length > 0) {
    throw limitReached("webhook endpoints", limit, "MAX_ENDPOINTS_PER_ACCOUNT", "delete one first");
  }
  try {
    return await configureEndpoint(env, endpoint);
  } catch (error) {
    // All or nothing: an endpoint the account object never heard of would miss events, and one
    // only its own object heard of would deliver for a row that is gone.
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    await forgetEndpoint(env, endpoint, now).catch(() => undefined);
    throw error;
  }
}

export function listEndpoints(db: Database, accountId: string, limit: number, cursor?: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.accountId, accountId),
        cursor ? lt(webhookEndpoints.id, cursor) : undefined,
      ),
    )
    .orderBy(desc(webhookEndpoints.id))
    .limit(limit + 1);
}

export async function getEndpoint(
  db: Database,
  accountId: string,
  id: string,
): Promise<WebhookEndpoint> {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.accountId, accountId)))
    .limit(1);
  const endpoint = rows[0];
  if (!endpoint) throw notFound("webhook endpoint");
  return endpoint;
}

/** D1 binds at most 100 parameters per query; one id list is split below that. */
const IDS_PER_QUERY = 90;

/** The account's endpoints among `ids`, in as few queries as D1 allows; gone ids are absent. */
export async function findEndpoints(db: Database, accountId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    chunks.push(unique.slice(i, i + IDS_PER_QUERY));
  }
  const pages = await Promise.all(
    chunks.map((chunk) =>
      db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.accountId, accountId), inArray(webhookEndpoints.id, chunk))),
    ),
  );
  return pages.flat();
}

export async function updateEndpoint(
  { db, services, env }: EndpointDeps,
  accountId: string,
  id: string,
  patch: EndpointPatch,
): Promise<WebhookEndpoint> {
  const current = await getEndpoint(db, accountId, id);
  const active = patch.active ?? current.active;
  const changes: Partial<WebhookEndpoint> = {
    ...(patch.url === undefined ? {} : { url: patch.url }),
    ...(patch.events === undefined ? {} : { events: [...new Set(patch.events)] }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
    ...(patch.clientSecret === undefined ? {} : { clientSecret: patch.clientSecret }),
    ...(patch.maxInFlight === undefined ? {} : { maxInFlight: patch.maxInFlight }),
    ...(patch.rateLimitPerSecond === undefined
      ? {}
      : { rateLimitPerSecond: patch.rateLimitPerSecond }),
    ...(patch.asymmetricSigning === undefined
      ? {}
      : await keyPairFor(patch.asymmetricSigning, current)),
    ...(patch.includeSubaccounts === undefined
      ? {}
      : { includeSubaccounts: patch.includeSubaccounts }),
    ...(patch.secret === undefined
      ? {}
      : { secret: patch.secret, previousSecret: null, previousSecretExpiresAt: null }),
    active,
    // Deactivating disables; any other settings update starts a failed endpoint over (its object
    // retries at once in configure()).
    status: active ? "active" : "disabled",
    updatedAt: services.clock.now(),
  };
  const updated = await db
    .update(webhookEndpoints)
    .set(changes)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.accountId, accountId)))
    .returning();
  return configureOrRevert(
    { db, services, env },
    current,
    updated[0] ?? { ...current, ...changes },
  );
}

/**
 * Pushes a changed endpoint to its objects; when they cannot be reached the D1 row goes back to
 * what it was (with a newer `updatedAt`, so an object that did take the change is overwritten by
 * the next snapshot it sees) and the caller hears 503: a refused change is no change.
 */
async function configureOrRevert(
  { db, services, env }: EndpointDeps,
  current: WebhookEndpoint,
  next: WebhookEndpoint,
): Promise<WebhookEndpoint> {
  try {
    return await configureEndpoint(env, next);
  } catch (error) {
    const restored = { ...current, updatedAt: Math.max(services.clock.now(), next.updatedAt + 1) };
    await db.update(webhookEndpoints).set(restored).where(eq(webhookEndpoints.id, current.id));
    await configureEndpoint(env, restored).catch(() => undefined);
    throw error;
  }
}

export async function deleteEndpoint(
  { db, env, services }: EndpointDeps,
  accountId: string,
  id: string,
): Promise<WebhookEndpoint> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.accountId, accountId)))
    .returning();
  const endpoint = deleted[0];
  if (!endpoint) throw notFound("webhook endpoint");
  await forgetEndpoint(env, endpoint, services.clock.now(), async () => {
    // Its object could not be emptied: nothing else changed, so the row comes back and a retried
    // DELETE finds it.
    await db.insert(webhookEndpoints).values(endpoint).onConflictDoNothing();
  });
  return endpoint;
}

/** A new secret now; the old one keeps signing alongside it until the grace period ends. */
export async function rotateEndpointSecret(
  { db, services, env }: EndpointDeps,
  accountId: string,
  id: string,
  graceSeconds: number,
): Promise<WebhookEndpoint> {
  const current = await getEndpoint(db, accountId, id);
  const now = services.clock.now();
  const changes = {
    secret: generateSigningSecret(),
    previousSecret: graceSeconds > 0 ? current.secret : null,
    previousSecretExpiresAt: graceSeconds > 0 ? now + graceSeconds * 1000 : null,
    updatedAt: now,
  };
  await db.update(webhookEndpoints).set(changes).where(eq(webhookEndpoints.id, id));
  return configureOrRevert({ db, services, env }, current, { ...current, ...changes });
}

/** A key pair when asymmetric signing is on (the current one is kept), none when it is off. */
async function keyPairFor(
  on: boolean,
  current: WebhookEndpoint | null,
): Promise<Pick<WebhookEndpoint, "signingPrivateKey" | "signingPublicKey">> {
  if (!on) return { signingPrivateKey: null, signingPublicKey: null };
  if (current?.signingPrivateKey && current.signingPublicKey) {
    return {
      signingPrivateKey: current.signingPrivateKey,
      signingPublicKey: current.signingPublicKey,
    };
  }
  const pair = await generateSigningKeyPair();
  return { signingPrivateKey: pair.privateKey, signingPublicKey: pair.publicKey };
}

/** The previous secret only while its grace period lasts. */
export const livePreviousSecret = (endpoint: WebhookEndpoint, now: number): string | null =>
  endpoint.previousSecret && (endpoint.previousSecretExpiresAt ?? 0) > now
    ? endpoint.previousSecret
    : null;
