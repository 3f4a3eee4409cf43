import type { WebhookEndpoint } from "../db/schema";
import type { EventEnvelope } from "../events/catalog";
import { livePreviousSecret } from "./endpoints";
import { deliveryHeaders } from "./signing";

export const RESPONSE_EXCERPT_BYTES = 1024;

export interface AttemptResult {
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  response_body: string | null;
  error: string | null;
  /** Seconds asked for by a `Retry-After` header, when the receiver sent one. */
  retry_after_seconds: number | null;
}

/** The exact bytes that are signed are the bytes that are sent. */
export const serializeEnvelope = (envelope: EventEnvelope) => JSON.stringify(envelope);

function excerpt(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength <= RESPONSE_EXCERPT_BYTES) return text;
  return new TextDecoder().decode(bytes.slice(0, RESPONSE_EXCERPT_BYTES)).replace(/\uFFFD$/, "");
}

function retryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * One signed POST with a hard timeout. Never throws: network failures and timeouts come back as
 * `ok: false` with the reason, because to a sender they are outcomes, not bugs.
 */
export async function sendOnce(
  endpoint: WebhookEndpoint,
  /** The event id and its exact serialized bytes: retries resend what was first stored. */
  message: { id: string; body: string },
  options: { timeoutMs: number; now: number; fetcher?: typeof fetch },
): Promise<AttemptResult> {
  const { body } = message;
  const headers = await deliveryHeaders({
    id: message.id,
    timestamp: Math.floor(options.now / 1000),
    body,
    secret: endpoint.secret,
    previousSecret: livePreviousSecret(endpoint, options.now),
    clientSecret: endpoint.clientSecret,
    textusHeader: endpoint.source === "integrations",
  });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await (options.fetcher ?? fetch)(endpoint.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = excerpt(await response.text());
    return {
      ok: response.status >= 200 && response.status < 300,
      status_code: response.status,
      duration_ms: elapsed(),
      response_body: text,
      error: response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}`,
      retry_after_seconds: retryAfter(response.headers.get("retry-after"), options.now),
    };
  } catch (error) {
    const timedOut =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      status_code: null,
      duration_ms: elapsed(),
      response_body: null,
      error: timedOut
        ? `Timed out after ${options.timeoutMs} ms`
        : `Connection failed: ${error instanceof Error ? error.message : String(error)}`,
      retry_after_seconds: null,
    };
  }
}
