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

/**
 * Reads at most the first KiB of an answer through its stream and drops the connection past it:
 * a receiver can stream hundreds of megabytes inside the timeout, and none of it is needed.
 */
export async function readExcerpt(
  response: Response,
  cap = RESPONSE_EXCERPT_BYTES,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const kept = new Uint8Array(cap);
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = cap - size;
    kept.set(value.subarray(0, room), size);
    size += Math.min(room, value.byteLength);
    if (value.byteLength > room) {
      truncated = true;
      break;
    }
  }
  if (truncated) await reader.cancel().catch(() => undefined);
  else reader.releaseLock();
  // A multi-byte character cut at the cap is dropped rather than shown broken.
  const text = new TextDecoder().decode(kept.subarray(0, size)).replace(/\uFFFD$/, "");
  return { text, truncated };
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
    asymmetricKey: endpoint.signingPrivateKey,
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
    const { text } = await readExcerpt(response);
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
