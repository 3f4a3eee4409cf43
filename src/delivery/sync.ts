import type { WebhookEndpoint } from "../db/schema";
import { type EndpointStats, endpointObject } from "../durable/webhook-endpoint";

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

/** Every control-plane change reaches the endpoint's object before the API answers. */
export async function configureEndpoint(
  env: Env,
  endpoint: WebhookEndpoint,
): Promise<WebhookEndpoint> {
  return overlay(endpoint, await endpointObject(env, endpoint.id).configure(endpoint));
}
