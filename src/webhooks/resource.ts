import type { WebhookEndpoint } from "../db/schema";
import { toIso, toIsoOrNull } from "../lib/time";

export const endpointResource = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  description: endpoint.description,
  events: endpoint.events,
  active: endpoint.active,
  status: endpoint.status,
  pending_count: endpoint.pendingCount,
  last_success_at: toIsoOrNull(endpoint.lastSuccessAt),
  last_failure_at: toIsoOrNull(endpoint.lastFailureAt),
  last_error: endpoint.lastError,
  has_client_secret: endpoint.clientSecret !== null,
  max_in_flight: endpoint.maxInFlight,
  rate_limit_per_second: endpoint.rateLimitPerSecond,
  signing_public_key: endpoint.signingPublicKey,
  include_subaccounts: endpoint.includeSubaccounts,
  source: endpoint.source,
  created_at: toIso(endpoint.createdAt),
  updated_at: toIso(endpoint.updatedAt),
});
