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

/**
 * The endpoint is gone (its D1 row already deleted): its object is emptied and tombstoned, then
 * the account object stops matching events to it. The object goes first because only it holds
 * anything that matters: when it cannot be reached, `undo` runs and the error is thrown (the
 * caller answers 503 with nothing changed). When only the account object cannot be reached the
 * deletion stands: a fan-out to the tombstoned object is dropped (`enqueue` answers -1) and the
 * account object's refresh from D1 removes the subscription.
 */
export async function forgetEndpoint(
  env: Env,
  endpoint: WebhookEndpoint,
  at: number,
  undo: () => Promise<void> = async () => undefined,
) {
  try {
    await endpointObject(env, endpoint.id).destroy();
  } catch (error) {
    await undo();
    throw error;
  }
  await accountObject(env, endpoint.accountId)
    .removeEndpoint(endpoint.accountId, endpoint.id, at)
    .catch((error: unknown) =>
      console.error(
        JSON.stringify({
          level: "error",
          msg: "subscription removal deferred to the refresh",
          endpoint_id: endpoint.id,
          error: String(error),
        }),
      ),
    );
}
