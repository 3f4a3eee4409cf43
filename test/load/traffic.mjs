// The load test's traffic: a weighted mix of API routes over a few accounts, started by an
// open-loop scheduler at a fixed rate (requests are started on the clock whether or not earlier
// ones have answered, so a slow server shows up as latency and in-flight growth, not as a lower
// offered rate), with per-route request counts, latencies and errors.

import { parseBody } from "../e2e/lib/api.mjs";

const REQUEST_TIMEOUT_MS = 30_000;

let numberCounter = 0;
/** A distinct valid E.164 number (+1555…, never a simulated-carrier magic number). */
const nextNumber = (prefix) => `+1${prefix}${String(++numberCounter).padStart(7, "0")}`;
let tagCounter = 0;

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/**
 * The mix: `weight` is the route's share of requests; `build(account)` returns the request, or
 * null when the account has nothing to read yet (then a send goes instead); `record` keeps what
 * later requests read (ids). Every route answers 2xx when the product works; nothing in the mix
 * is expected to fail, so any other answer is an error.
 */
export const ROUTES = [
  {
    name: "POST /v1/messages",
    weight: 25,
    build: () => ({
      method: "POST",
      path: "/v1/messages",
      body: { to: nextNumber("555"), body: "load test" },
    }),
    record: (account, body) => account.messages.push(body.id),
  },
  {
    name: "POST /v1/contacts",
    weight: 8,
    build: () => ({
      method: "POST",
      path: "/v1/contacts",
      body: { phone: nextNumber("556"), name: "Load", tags: ["new"] },
    }),
    record: (account, body) => account.contacts.push(body.id),
  },
  {
    name: "PATCH /v1/contacts/{id}",
    weight: 7,
    // A tag list no contact had before, so every PATCH changes the tags (contact.tag_changed).
    build: (account) =>
      account.contacts.length === 0
        ? null
        : {
            method: "PATCH",
            path: `/v1/contacts/${pick(account.contacts)}`,
            body: { tags: [`t${++tagCounter}`] },
          },
  },
  { name: "GET /v1/messages?limit=", weight: 14, build: () => get("/v1/messages?limit=20") },
  {
    name: "GET /v1/messages/{id}",
    weight: 14,
    build: (account) =>
      account.messages.length === 0 ? null : get(`/v1/messages/${pick(account.messages)}`),
  },
  { name: "GET /v1/events?limit=", weight: 12, build: () => get("/v1/events?limit=20") },
  {
    name: "GET /v1/contacts/{id}",
    weight: 6,
    build: (account) =>
      account.contacts.length === 0 ? null : get(`/v1/contacts/${pick(account.contacts)}`),
  },
  {
    name: "GET /v1/webhooks/{id}/deliveries",
    weight: 6,
    build: (account) => get(`/v1/webhooks/${pick(account.endpoints).id}/deliveries?limit=20`),
  },
  {
    name: "GET /v1/webhooks/{id}/stats",
    weight: 4,
    build: (account) => get(`/v1/webhooks/${pick(account.endpoints).id}/stats`),
  },
  {
    name: "GET /v1/webhooks/{id}",
    weight: 2,
    build: (account) => get(`/v1/webhooks/${pick(account.endpoints).id}`),
  },
  {
    // A synchronous signed sample to the endpoint's receiver (not queued, not an event).
    name: "POST /v1/webhooks/{id}/test",
    weight: 2,
    build: (account) => ({
      method: "POST",
      path: `/v1/webhooks/${pick(account.endpoints).id}/test`,
      body: { event_type: "message.sent" },
    }),
  },
];

function get(path) {
  return { method: "GET", path };
}

/** Picks a route by weight; falls back to the first route (a send) when it has nothing to read. */
function nextRequest(account) {
  const total = ROUTES.reduce((sum, route) => sum + route.weight, 0);
  let roll = Math.random() * total;
  for (const route of ROUTES) {
    roll -= route.weight;
    if (roll < 0) {
      const request = route.build(account);
      if (request) return { route, request };
      break;
    }
  }
  return { route: ROUTES[0], request: ROUTES[0].build(account) };
}

/** One request through the platform fetch (undici keep-alive): `{ status, body, error }`. */
async function send(baseUrl, key, { method, path, body }) {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: parseBody(await response.text()), error: null };
  } catch (error) {
    return { status: 0, body: null, error: error.message };
  }
}

/**
 * Runs the mix at `rate` requests/s for `ms`, round-robin over `accounts` (each
 * `{ key, endpoints, messages, contacts }`), never more than `maxInFlight` at once (a
 * request that would exceed it is not sent and counts as an error: the server is not keeping up).
 * `onTick()` runs on every scheduler tick (the caller's liveness check): a returned reason stops
 * the traffic early (`aborted`). Returns `{ samples, errors, skipped, started, ms, drainMs,
 * peakInFlight, maxLagMs, aborted }`: `samples` one
 * `{ route, t, ms, ok }` per request (`t` = start, ms since the phase began).
 */
export async function runTraffic({ baseUrl, accounts, rate, ms, maxInFlight = 200, onTick }) {
  const samples = [];
  const errors = [];
  const pending = new Set();
  let started = 0;
  let skipped = 0;
  let peakInFlight = 0;
  let maxLagMs = 0;
  const begin = performance.now();
  const fire = (index, due) => {
    const account = accounts[index % accounts.length];
    const { route, request } = nextRequest(account);
    if (pending.size >= maxInFlight) {
      skipped += 1;
      errors.push({ route: route.name, status: "skipped", detail: "too many requests in flight" });
      return;
    }
    const t0 = performance.now();
    maxLagMs = Math.max(maxLagMs, t0 - due);
    const promise = send(baseUrl, account.key, request).then((result) => {
      const latency = performance.now() - t0;
      const ok = result.status >= 200 && result.status < 300;
      samples.push({ route: route.name, t: t0 - begin, ms: latency, ok });
      if (ok) route.record?.(account, result.body);
      else {
        errors.push({
          route: route.name,
          path: request.path,
          status: result.status,
          detail: result.error ?? JSON.stringify(result.body)?.slice(0, 300),
        });
      }
      pending.delete(promise);
    });
    pending.add(promise);
    peakInFlight = Math.max(peakInFlight, pending.size);
  };
  const interval = 1000 / rate;
  let aborted = null;
  await new Promise((resolve) => {
    // A short tick that catches up on every request that is due, so timer jitter never lowers
    // the offered rate.
    const timer = setInterval(() => {
      aborted = onTick?.() ?? null;
      const elapsed = performance.now() - begin;
      if (aborted) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.min(Math.floor(elapsed / interval) + 1, Math.ceil(ms / interval));
      while (started < due) {
        fire(started, begin + started * interval);
        started += 1;
      }
      if (elapsed >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const offeredMs = performance.now() - begin;
  await Promise.all(pending);
  return {
    samples,
    errors,
    skipped,
    started,
    ms: offeredMs,
    drainMs: performance.now() - begin - offeredMs,
    peakInFlight,
    maxLagMs,
    aborted,
  };
}
