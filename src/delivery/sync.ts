import type { WebhookEndpoint } from "../db/schema";
import { accountObject, endpointObject } from "../durable/stubs";
import type { EndpointStats } from "../durable/webhook-endpoint";

/** Delivery state lives in each endpoint's object; resources show it live. */
export async function withLiveStats(
  env: Env,
  endpoints: WebhookEndpoint[],
): Promise<WebhookEndpoint[]> {
  return Promise.all(
    endpoints.map(async (endpoint) =>
      overlay(endpoint, await endpointObject(env, endpoint.id).stats()),
    ),
  );
}

export function overlay(endpoint: WebhookEndpoint, stats: EndpointStats): WebhookEndpoint {
  return {
    ...endpoint,
    status: endpoint.active ? (stats.status === "disabled" ? "active" : stats.status) : "disabled",
    pendingCount: stats.pending_count,
    lastSuccessAt: stats.last_success_at,
    lastFailureAt: stats.last_failure_at,
    lastError: stats.last_error,
  };
}

/**
 * Every control-plane change reaches the endpoint's object and the account's subscriptions (in
 * the account object, which matches events to endpoints) before the API answers. A push that
 * fails anyway is healed by the account object's periodic refresh from D1.
 */
export async function configureEndpoint(
  env: Env,
  endpoint: WebhookEndpoint,
): Promise<WebhookEndpoint> {
  const [stats] = await Promise.all([
    endpointObject(env, endpoint.id).configure(endpoint),
    accountObject(env, endpoint.accountId).syncEndpoint(endpoint.accountId, endpoint),
  ]);
  return overlay(endpoint, stats);
}

/** The endpoint is gone: no event is matched to it from now on, and its object is emptied. */
export async function forgetEndpoint(env: Env, endpoint: WebhookEndpoint, at: number) {
  await accountObject(env, endpoint.accountId).removeEndpoint(endpoint.accountId, endpoint.id, at);
  await endpointObject(env, endpoint.id).destroy();
}
