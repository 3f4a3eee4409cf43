import { z } from "@hono/zod-openapi";
import { base62FromNumber } from "../lib/encoding";

/**
 * Operational events (Svix's "operational webhooks", SPEC §5): an endpoint's health changed. The
 * endpoint object emits one per transition through the account ledger's outbox; they go to the
 * account's *other* endpoints that subscribe to them (an endpoint never waits on its own failure
 * notice). They are account-level facts, not test or live traffic, so they carry `livemode: true`.
 */
export const OPERATIONAL_EVENT_TYPES = [
  "endpoint.failed",
  "endpoint.recovered",
  "endpoint.disabled",
  "endpoint.backlog_warning",
] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export const EndpointHealthData = z
  .object({
    endpoint_id: z.string().openapi({ example: "we_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    url: z.string().openapi({ example: "https://www.example.com/callback" }),
    status: z.enum(["active", "retrying", "failed", "disabled"]),
    last_error: z.string().nullable().openapi({ example: "HTTP 500" }),
    pending_count: z.int().min(0).openapi({ description: "Events waiting for this endpoint." }),
  })
  .openapi("EndpointHealthData");
export type EndpointHealthData = z.infer<typeof EndpointHealthData>;

export const OPERATIONAL_DESCRIPTIONS: Record<OperationalEventType, string> = {
  "endpoint.failed":
    "One of the account's endpoints answered with a fatal error: its deliveries are paused (events keep queueing) and it is retried hourly.",
  "endpoint.recovered":
    "A failed endpoint answered 2xx again: its backlog is being delivered, oldest first.",
  "endpoint.disabled":
    "An endpoint answered 410 Gone and was disabled; it receives nothing until re-enabled.",
  "endpoint.backlog_warning":
    "An endpoint's backlog passed ENDPOINT_BACKLOG_WARNING events; nothing is dropped, and it warns again only after the backlog has halved.",
};

/** Pure in `now` like every sample: the endpoint id is time-ordered, as real ones are. */
export const sampleHealth = (type: OperationalEventType, now: number): EndpointHealthData => ({
  endpoint_id: `we_${base62FromNumber(now - 86_400_000, 9)}Kd3mQz8LpT2vXy`,
  url: "https://www.example.com/callback",
  status:
    type === "endpoint.disabled" ? "disabled" : type === "endpoint.failed" ? "failed" : "active",
  last_error: type === "endpoint.disabled" ? "HTTP 410" : "HTTP 500",
  pending_count: type === "endpoint.backlog_warning" ? 10_001 : 7,
});
