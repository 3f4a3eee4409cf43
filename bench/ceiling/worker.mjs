// The benchmark's raw fetch ceiling in the worker's own runtime (SPEC §10). bench/run.mjs starts
// this worker with `wrangler dev` exactly like the app and calls
//   GET /?url=<receiver>&n=<requests>&c=<concurrency>&bytes=<body size>
// It then POSTs n delivery-shaped requests to `url`, at most c at a time. Each request works like
// one delivery attempt in src/webhooks/send.ts and signing.ts: a fresh JSON envelope of exactly
// `bytes` bytes, both signatures computed with WebCrypto (import the key and sign, per request,
// as the engine does), the same header set, a timeout signal, and the response body read in full.
// It answers {n, c, ms, per_second, ok, failed, bytes, first_error}. There is no queue, storage or
// Durable Object here, so nothing but the runtime's fetch stands between the loop and the receiver.

const USER_AGENT = "Switchboard-Webhooks/1.0";
const SECRET = `whsec_${btoa("bench-ceiling-secret-0123456789ab")}`;
const TIMEOUT_MS = 10_000;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const encoder = new TextEncoder();

const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const fromBase64 = (text) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

async function hmacSha256(key, message) {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

function randomId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  return `${prefix}${Array.from(bytes, (b) => BASE62[b % 62]).join("")}`;
}

/** A message envelope padded (in `data.body`) to exactly `bytes` bytes of JSON. */
function envelope(bytes) {
  const event = {
    id: randomId("evt_"),
    type: "message.sent",
    created_at: new Date().toISOString(),
    account_id: "acct_0VZ2xTqK3aBcDeFgHiJkLmNoP",
    livemode: false,
    data: {
      id: randomId("msg_"),
      direction: "outbound",
      from: "+15005550006",
      to: "+15551234567",
      status: "sent",
      custom_id: null,
      error_code: null,
      error_message: null,
      body: "",
    },
  };
  const base = JSON.stringify(event);
  event.data.body = "x".repeat(Math.max(0, bytes - base.length));
  return { id: event.id, body: JSON.stringify(event) };
}

/** One delivery-shaped POST; returns null on a 2xx, else a short reason. */
async function deliver(url, bytes) {
  const { id, body } = envelope(bytes);
  const timestamp = Math.floor(Date.now() / 1000);
  const [standard, hex] = await Promise.all([
    hmacSha256(fromBase64(SECRET.slice("whsec_".length)), `${id}.${timestamp}.${body}`),
    hmacSha256(encoder.encode(SECRET), body),
  ]);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": `v1,${toBase64(standard)}`,
        "x-switchboard-signature": toHex(hex),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.text();
    return response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}`;
  } catch (error) {
    return `fetch failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function intParam(params, name, min, max, fallback) {
  const raw = params.get(name);
  const value = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });

export default {
  async fetch(request) {
    const { pathname, searchParams } = new URL(request.url);
    if (pathname === "/healthz") return new Response("ok");
    if (pathname !== "/" || request.method !== "GET") return json({ error: "not found" }, 404);
    let url;
    let n;
    let c;
    let bytes;
    try {
      url = new URL(searchParams.get("url") ?? "");
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("bad url");
      n = intParam(searchParams, "n", 1, 100_000, 500);
      c = intParam(searchParams, "c", 1, 1_000, 1);
      bytes = intParam(searchParams, "bytes", 2, 1_048_576, 512);
    } catch (error) {
      return json({ error: error instanceof Error ? error.message : String(error) }, 400);
    }
    let next = 0;
    let ok = 0;
    let firstError = null;
    const start = Date.now();
    await Promise.all(
      Array.from({ length: Math.min(c, n) }, async () => {
        while (next < n) {
          next += 1;
          const failure = await deliver(url.href, bytes);
          if (failure === null) ok += 1;
          else firstError ??= failure;
        }
      }),
    );
    const ms = Date.now() - start;
    return json({
      n,
      c,
      ms,
      per_second: ms > 0 ? (n / ms) * 1000 : null,
      ok,
      failed: n - ok,
      bytes: encoder.encode(envelope(bytes).body).length,
      first_error: firstError,
    });
  },
};
