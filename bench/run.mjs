#!/usr/bin/env node
// `npm run bench`: measures SPEC §10's targets against the real worker under `wrangler dev`
// (fresh local state, compressed timings) and a fast loopback receiver in a worker thread.
// Prints a report and writes bench/results.json. Sizes scale with BENCH_SCALE (0.1 = quick run);
// every wait is bounded and a watchdog (BENCH_MAX_MINUTES) stops everything if a run hangs.
//
// Scenarios: a. auth overhead (one public route with and without a key); b. the raw fetch ceiling
// of the same runtime (bench/ceiling, a bare fetch loop under its own wrangler dev) and delivery
// throughput/latency with 1 and 100 endpoints, publish-paced and as a drain; c. a 10,000-event
// backlog drained after recovery (nothing lost, nothing out of order); d. linear costs: fan-out to
// 1/10/50 endpoints and backlogs of 1,000/5,000/10,000. Issue 9 (real sends through
// POST /v1/messages, bench/scenarios/): api (send vs healthz req/s at c=16), send-fanout (send time
// with 100 endpoints vs 1), latency (send -> message.sent received, spaced and burst), accounts
// (cost per event at 1/100/1,000 accounts).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { newAccountWithTestKey } from "../test/e2e/lib/api.mjs";
import { root, startStandaloneWorker, startWrangler } from "../test/e2e/lib/wrangler.mjs";
import { fileNames, newFilesBytes, objectStorageDir, sampleMemory } from "./footprint.mjs";
import { fmt, jsonClient, now, pool, round, sleep, summarize, waitUntil } from "./lib.mjs";
import { startBenchReceiver } from "./receiver.mjs";
import { benchAccounts, reportAccounts } from "./scenarios/accounts.mjs";
import { benchApi, reportApi } from "./scenarios/api.mjs";
import { benchLatency, reportLatency } from "./scenarios/latency.mjs";
import { MESSAGE_EVENTS } from "./scenarios/messages.mjs";
import { benchSendFanout, reportSendFanout } from "./scenarios/send-fanout.mjs";

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Configuration (environment variables)

const envNum = (name, fallback) => {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== "" && Number.isFinite(value)
    ? value
    : fallback;
};
const envList = (name, fallback) =>
  process.env[name] === undefined
    ? fallback
    : process.env[name]
        .split(",")
        .map((part) => Number(part.trim()))
        .filter((value) => Number.isFinite(value) && value > 0);

const SCALE = envNum("BENCH_SCALE", 1);
const scaled = (name, fallback, min) =>
  Math.max(min, Math.round(envNum(name, Math.round(fallback * SCALE))));

const config = {
  scale: SCALE,
  inFlight: Math.max(1, envNum("BENCH_IN_FLIGHT", 1)),
  extraInFlight: envList("BENCH_EXTRA_IN_FLIGHT", [4]),
  authRequests: scaled("BENCH_AUTH_N", 2000, 50),
  authWarmup: scaled("BENCH_AUTH_WARMUP", 200, 20),
  ceilingMs: Math.max(500, envNum("BENCH_CEILING_MS", Math.round(3000 * Math.min(1, SCALE * 2)))),
  ceilingCallN: Math.max(500, envNum("BENCH_CEILING_CALL_N", 5000)),
  events: scaled("BENCH_EVENTS", 2000, 20),
  fanoutEndpoints: Math.max(1, envNum("BENCH_FANOUT_ENDPOINTS", 100)),
  fanoutEvents: scaled("BENCH_FANOUT_EVENTS", 100, 5),
  linearEndpoints: envList("BENCH_LINEAR_ENDPOINTS", [1, 10, 50]),
  linearEvents: scaled("BENCH_LINEAR_EVENTS", 50, 5),
  backlogs: envList("BENCH_BACKLOGS", [1000, 5000, 10000]).map((size) =>
    Math.max(10, Math.round(size * SCALE)),
  ),
  publishConcurrency: Math.max(1, envNum("BENCH_PUBLISH_CONCURRENCY", 8)),
  failedRetryIntervalMs: Math.max(1, envNum("BENCH_FAILED_RETRY_INTERVAL_MS", 500)),
  // Issue 9 scenarios (bench/scenarios/). The event types their endpoints subscribe to.
  messageEvents: (process.env.BENCH_MESSAGE_EVENTS ?? MESSAGE_EVENTS.join(","))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean),
  api: {
    concurrency: Math.max(1, envNum("BENCH_API_CONCURRENCY", 16)),
    windowMs: Math.max(500, envNum("BENCH_API_WINDOW_MS", 3000)),
    rounds: scaled("BENCH_API_ROUNDS", 6, 2),
  },
  sendFanout: {
    sends: scaled("BENCH_SEND_FANOUT_SENDS", 60, 10),
    warmup: 3,
    pauseMs: Math.max(0, envNum("BENCH_SEND_FANOUT_PAUSE_MS", 300)),
    endpoints: Math.max(2, envNum("BENCH_SEND_FANOUT_ENDPOINTS", 100)),
  },
  latency: {
    spacedSends: scaled("BENCH_LATENCY_SENDS", 200, 20),
    spacingMs: Math.max(0, envNum("BENCH_LATENCY_SPACING_MS", 50)),
    burstSends: scaled("BENCH_LATENCY_BURST", 500, 50),
    burstConcurrency: Math.max(1, envNum("BENCH_LATENCY_BURST_CONCURRENCY", 16)),
  },
  accounts: {
    sizes: [
      ...new Set(
        envList("BENCH_ACCOUNTS", [1, 100, 1000]).map((size) =>
          Math.max(1, Math.round(size * SCALE)),
        ),
      ),
    ],
    messages: scaled("BENCH_ACCOUNTS_MESSAGES", 1000, 20),
    concurrency: Math.max(1, envNum("BENCH_ACCOUNTS_CONCURRENCY", 8)),
    setupConcurrency: Math.max(1, envNum("BENCH_SIGNUP_CONCURRENCY", 4)),
    setupBudgetSeconds: Math.max(10, envNum("BENCH_SIGNUP_BUDGET_SECONDS", 300)),
  },
  maxMinutes: envNum("BENCH_MAX_MINUTES", 45),
  // Comma-separated subset of: auth, ceiling, throughput, fanout, backlog, extra, api, send-fanout,
  // latency, accounts (default: all).
  only: (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean),
};
const enabled = (name) => config.only.length === 0 || config.only.includes(name);

const EVENT_TYPE = "message.sent";
const baseVars = {
  ALLOW_PRIVATE_WEBHOOK_URLS: "true",
  SIGNUP: "open",
  // The accounts scenario signs up to 1,000 accounts from one IP (SPEC §6's var; a no-op if unused).
  SIGNUPS_PER_HOUR_PER_IP: "1000000",
  // The bench sends far more than the contract's 6,000 requests/minute with one key.
  API_KEY_RATE_LIMIT_PER_MINUTE: "1000000000",
  // BENCH_FANOUT_ENDPOINTS may exceed the default 100 endpoints of one account.
  MAX_ENDPOINTS_PER_ACCOUNT: "100000",
  FAILED_RETRY_INTERVAL_MS: String(config.failedRetryIntervalMs),
  RETRY_BASE_MS: "200",
  WEBHOOK_TIMEOUT_MS: "10000",
};

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString()}] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Shared state and the watchdog

let wrangler = null;
let receiver = null;
const startedAt = Date.now();
const watchdog = setTimeout(async () => {
  log(`watchdog: still running after ${config.maxMinutes} minutes; stopping`);
  await wrangler?.stop();
  process.exit(2);
}, config.maxMinutes * 60_000);
watchdog.unref();

async function boot(inFlight) {
  if (wrangler) await wrangler.stop();
  log(`starting wrangler dev (ENDPOINT_MAX_IN_FLIGHT=${inFlight})`);
  wrangler = await startWrangler({
    label: "bench",
    vars: { ...baseVars, ENDPOINT_MAX_IN_FLIGHT: String(inFlight) },
  });
  log(`wrangler dev ready at ${wrangler.baseUrl}`);
}

/** A fresh account (so no other scenario's endpoints get its events) and a keyed client. */
async function freshAccount(label) {
  const { key } = await newAccountWithTestKey(wrangler.baseUrl, label);
  return { key, api: jsonClient(wrangler.baseUrl, { key }) };
}

async function createEndpoints(api, count, pathFor) {
  const endpoints = [];
  await pool(count, 4, async (index) => {
    endpoints[index] = await api.expect(
      "POST",
      "/v1/webhooks",
      { url: receiver.url(pathFor(index)), events: [EVENT_TYPE] },
      201,
    );
  });
  return endpoints;
}

/**
 * Publishes `count` events. Returns `{ events, failures }`: the acknowledged events in index order
 * with request start and ack times, and the publishes that got no 201. An unacknowledged publish
 * may or may not have been queued (at-least-once), so checks only count acknowledged events.
 */
async function publishMany(api, count, concurrency) {
  const slots = new Array(count);
  const failures = [];
  await pool(count, concurrency, async (index) => {
    const start = now();
    let response;
    try {
      response = await api.request("POST", "/v1/test-helpers/events", { type: EVENT_TYPE });
    } catch (error) {
      response = { status: 0, body: error.message };
    }
    const end = now();
    if (response.status === 201) {
      const envelope = response.body;
      slots[index] = {
        id: envelope.id,
        createdAt: Date.parse(envelope.created_at),
        start,
        end,
        envelope,
      };
    } else {
      failures.push({ index, status: response.status, body: JSON.stringify(response.body) });
    }
  });
  if (failures.length > 0) {
    log(
      `${failures.length}/${count} publishes failed; first: ${failures[0].status} ${failures[0].body.slice(0, 200)}`,
    );
  }
  if (failures.length > Math.max(1, count * 0.05)) {
    throw new Error(`too many failed publishes (${failures.length}/${count})`);
  }
  return { events: slots.filter(Boolean), failures: failures.length };
}

const deliveryTimeoutMs = (deliveries) => 60_000 + deliveries * 20;

/** Waits (bounded) until the receiver has answered `expected` 2xx since its last reset. */
async function waitForDeliveries(expected) {
  const timeoutMs = deliveryTimeoutMs(expected);
  const done = await waitUntil(() => receiver.ok() >= expected, { timeoutMs, intervalMs: 20 });
  if (!done) log(`timed out after ${timeoutMs} ms with ${receiver.ok()}/${expected} deliveries`);
  return Boolean(done);
}

const ratePerSecond = (count, ms) => (ms > 0 ? (count / ms) * 1000 : null);

// ---------------------------------------------------------------------------------------------
// a. Authentication overhead

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `sk_test_` + 32 base62 + a valid CRC32 checksum (the key format), but never issued. */
function wellFormedUnknownKey() {
  const body = `sk_test_${"0".repeat(16)}${Date.now().toString(36).padStart(16, "0")}`.replace(
    /[^0-9A-Za-z_]/g,
    "0",
  );
  let crc = 0xffffffff;
  for (let i = 0; i < body.length; i++) {
    let c = (crc ^ body.charCodeAt(i)) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (c ^ (crc >>> 8)) >>> 0;
  }
  let rest = (crc ^ 0xffffffff) >>> 0;
  let checksum = "";
  while (rest > 0) {
    checksum = BASE62[rest % 62] + checksum;
    rest = Math.floor(rest / 62);
  }
  return `${body}${checksum.padStart(6, "0")}`;
}

async function benchAuth() {
  log(`a. auth overhead: ${config.authRequests} sequential requests per route`);
  const { key } = await freshAccount("auth");
  const { session } = await newAccountWithTestKey(wrangler.baseUrl, "auth-session");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(wrangler.baseUrl);
  const get = (path, headers) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path, agent, headers, timeout: 30_000 },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - start }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on("error", reject);
      req.end();
    });
  const bearer = { authorization: `Bearer ${key}` };
  const routes = {
    // The measurement: one public handler, answered with and without a valid key. With the
    // header, the request runs the whole API-key path (format and checksum, HMAC hash, KV route
    // (cached in the isolate), the per-request KeyAuthority Durable Object call of SPEC §3).
    event_types_anonymous: { path: "/v1/event-types", headers: {}, status: 200 },
    event_types_key: { path: "/v1/event-types", headers: bearer, status: 200 },
    // Context only: different handlers, so their difference is not the auth overhead.
    healthz: { path: "/healthz", headers: {}, status: 200 },
    account_key: { path: "/v1/account", headers: bearer, status: 200 },
    account_session: {
      path: "/v1/account",
      headers: { cookie: session.cookie },
      status: 200,
    },
    // Same shape as a real key, unknown to KV: the hash + KV lookup path, then a 401.
    unknown_key: {
      path: "/v1/event-types",
      headers: { authorization: `Bearer ${wellFormedUnknownKey()}` },
      status: 401,
    },
  };
  const measure = async (names, count) => {
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let i = 0; i < count; i++) {
      // Interleaved so every route sees the same machine conditions.
      for (const name of names) {
        const route = routes[name];
        const { status, ms } = await get(route.path, route.headers);
        if (status !== route.status) throw new Error(`${name} answered ${status}`);
        samples[name].push(ms);
      }
    }
    return samples;
  };
  await measure(Object.keys(routes), config.authWarmup);
  const main = await measure(["event_types_anonymous", "event_types_key"], config.authRequests);
  const context = await measure(
    ["healthz", "account_key", "account_session", "unknown_key"],
    Math.max(50, Math.round(config.authRequests / 4)),
  );
  agent.destroy();
  const anonymous = summarize(main.event_types_anonymous);
  const keyed = summarize(main.event_types_key);
  // Request i with the key against request i without it (they ran back to back).
  const paired = summarize(main.event_types_key.map((ms, i) => ms - main.event_types_anonymous[i]));
  const overhead = keyed.p50 - anonymous.p50;
  return {
    route: "GET /v1/event-types",
    requests: config.authRequests,
    warmup: config.authWarmup,
    stats: {
      event_types_anonymous: anonymous,
      event_types_key: keyed,
      paired_difference: paired,
      context_healthz: summarize(context.healthz),
      context_account_key: summarize(context.account_key),
      context_account_session: summarize(context.account_session),
      context_unknown_key: summarize(context.unknown_key),
    },
    median_overhead_ms: overhead,
    p99_overhead_ms: keyed.p99 - anonymous.p99,
    paired_median_ms: paired.p50,
    paired_p99_ms: paired.p99,
    target_ms: 1,
    meets_target: overhead <= 1,
  };
}

// ---------------------------------------------------------------------------------------------
// b. Raw fetch ceiling

/** A Node client POSTing a signed, delivery-sized payload to the receiver for `ms`. */
async function nodeCeiling(payload, concurrency, ms) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(receiver.url("/ceiling"));
  const signer = new Webhook(
    `whsec_${Buffer.from("bench-ceiling-secret-0123456789ab").toString("base64")}`,
  );
  const id = JSON.parse(payload).id;
  const post = () =>
    new Promise((resolve, reject) => {
      const timestamp = new Date();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
            "user-agent": "Switchboard-Webhooks/1.0",
            "webhook-id": id,
            "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
            "webhook-signature": signer.sign(id, timestamp, payload),
          },
        },
        (res) => {
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  let count = 0;
  const deadline = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await post();
        count += 1;
      }
    }),
  );
  const elapsed = performance.now() - start;
  agent.destroy();
  return { concurrency, requests: count, ms: elapsed, per_second: ratePerSecond(count, elapsed) };
}

/**
 * Calls the ceiling worker at `concurrency` until at least `ms` of fetching is measured: one
 * warm-up call that also calibrates the call size (about 1 s of work, at most `callLimit`
 * fetches, so no single invocation gets near the production subrequest cap more than needed),
 * then calls that are summed. If an invocation is refused (e.g. a subrequest limit), the call
 * size drops to 500 and the call is repeated.
 */
async function runtimeCeiling(ceilingWorker, payloadBytes, concurrency, ms) {
  const target = encodeURIComponent(receiver.url("/ceiling-runtime"));
  let callLimit = Math.max(500, config.ceilingCallN);
  const call = async (n) => {
    const started = now();
    const response = await fetch(
      `${ceilingWorker.baseUrl}/?url=${target}&n=${n}&c=${concurrency}&bytes=${payloadBytes}`,
      { signal: AbortSignal.timeout(120_000) },
    );
    const body = await response.json().catch(() => null);
    return { status: response.status, body, wall_ms: now() - started };
  };
  const warm = await call(Math.max(100, concurrency * 2));
  if (warm.status !== 200 || warm.body.failed > 0) {
    throw new Error(`ceiling worker warm-up failed: ${warm.status} ${JSON.stringify(warm.body)}`);
  }
  const calls = [];
  let n = Math.min(callLimit, Math.max(concurrency * 4, Math.round(warm.body.per_second ?? 500)));
  let measured = 0;
  for (let round = 0; round < 200 && measured < ms; round++) {
    const result = await call(n);
    if (result.status !== 200 || result.body.failed > 0) {
      if (callLimit > 500) {
        log(`ceiling worker refused ${n} fetches per call; using 500 per call`);
        callLimit = 500;
        n = Math.min(n, 500);
        continue;
      }
      throw new Error(`ceiling worker failed: ${result.status} ${JSON.stringify(result.body)}`);
    }
    calls.push({ n: result.body.n, ms: result.body.ms, wall_ms: result.wall_ms });
    measured += result.body.ms;
  }
  const requests = calls.reduce((sum, entry) => sum + entry.n, 0);
  const inWorkerMs = calls.reduce((sum, entry) => sum + entry.ms, 0);
  const wallMs = calls.reduce((sum, entry) => sum + entry.wall_ms, 0);
  return {
    concurrency,
    requests,
    calls: calls.length,
    per_call: n,
    ms: inWorkerMs,
    // Measured inside the worker (fetch loop only); the ceiling used for "% of ceiling".
    per_second: ratePerSecond(requests, inWorkerMs),
    // The same, seen from the bench (adds one proxy round trip per call).
    wall_per_second: ratePerSecond(requests, wallMs),
  };
}

async function benchCeiling(levels) {
  log(`b. fetch ceiling at concurrency ${levels.join(", ")}`);
  await receiver.reset();
  const { api } = await freshAccount("ceiling");
  // A real envelope of the benchmarked type gives the ceiling its delivery-sized payload.
  const {
    events: [sample],
  } = await publishMany(api, 1, 1);
  if (!sample) throw new Error("publishing the sample event failed");
  const payload = JSON.stringify(sample.envelope);
  const payloadBytes = Buffer.byteLength(payload);

  // The ceiling of the same runtime: a bare signed-POST loop in a standalone worker under its own
  // wrangler dev (same workerd, same flags, same machine, same receiver).
  log("starting the ceiling worker (bench/ceiling)");
  const ceilingWorker = await startStandaloneWorker({
    configPath: join(here, "ceiling", "wrangler.toml"),
    label: "bench-ceiling",
  });
  const runtime = [];
  try {
    for (const concurrency of levels) {
      runtime.push(
        await runtimeCeiling(ceilingWorker, payloadBytes, concurrency, config.ceilingMs),
      );
    }
  } finally {
    await ceilingWorker.stop();
  }

  // Context only: a Node client (another runtime) posting the same payload to the same receiver.
  const node = [];
  for (const concurrency of levels) {
    node.push(await nodeCeiling(payload, concurrency, config.ceilingMs));
  }
  await receiver.reset();
  return { payload_bytes: payloadBytes, runtime, node };
}

// ---------------------------------------------------------------------------------------------
// b. Delivery throughput and latency

async function benchThroughput(label, endpointCount, eventCount) {
  log(`b. throughput: ${eventCount} events x ${endpointCount} endpoint(s)`);
  const { api } = await freshAccount(label);
  await createEndpoints(api, endpointCount, (index) => `/t/${label}/${index}`);
  await receiver.reset();
  const publishStart = now();
  const { events, failures } = await publishMany(api, eventCount, config.publishConcurrency);
  const publishEnd = now();
  const expected = events.length * endpointCount;
  const complete = await waitForDeliveries(expected);
  await sleep(200); // any duplicate still in flight
  const hits = (await receiver.take()).filter(
    (hit) => hit.path.startsWith(`/t/${label}/`) && hit.status < 300,
  );
  const byId = new Map(events.map((event) => [event.id, event]));
  const seen = new Set();
  const createdToReceived = [];
  const publishToReceived = [];
  for (const hit of hits) {
    const key = `${hit.path}|${hit.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const event = byId.get(hit.id);
    if (!event) continue;
    createdToReceived.push(hit.t - event.createdAt);
    publishToReceived.push(hit.t - event.start);
  }
  const first = hits[0]?.t ?? null;
  const last = hits.at(-1)?.t ?? null;
  return {
    endpoints: endpointCount,
    events: eventCount,
    publish_failures: failures,
    deliveries_expected: expected,
    deliveries_unique: seen.size,
    duplicates: hits.length - seen.size,
    complete,
    publish_per_second: ratePerSecond(eventCount, publishEnd - publishStart),
    publish_ms: publishEnd - publishStart,
    // Receiver side, first to last delivery: the delivery rate the spec asks for.
    deliveries_per_second: first === null ? null : ratePerSecond(seen.size - 1, last - first),
    events_per_second:
      first === null ? null : ratePerSecond(seen.size / endpointCount - 1, last - first),
    // Wall clock from the first publish to the last delivery (what a producer would observe).
    end_to_end_ms: last === null ? null : last - publishStart,
    latency_created_to_received_ms: summarize(createdToReceived),
    latency_publish_start_to_received_ms: summarize(publishToReceived),
  };
}

// ---------------------------------------------------------------------------------------------
// c/d. Backlog: fail the endpoint, queue N events, recover, drain

/**
 * Order check without assuming an order between concurrent publishes: if event A's publish was
 * acknowledged before event B's publish request started, A must be delivered before B. Counts
 * the deliveries that break this (0 = nothing out of order).
 */
function happensBeforeViolations(sequence) {
  let maxStart = Number.NEGATIVE_INFINITY;
  let violations = 0;
  for (const event of sequence) {
    if (event.end < maxStart) violations += 1;
    maxStart = Math.max(maxStart, event.start);
  }
  return violations;
}

async function getEndpoint(api, id) {
  return api.expect("GET", `/v1/webhooks/${id}`);
}

async function benchBacklog(size, inFlight, label = `backlog-${size}`) {
  log(`${label.startsWith("drain") ? "b. drain" : "c/d. backlog"} of ${size} events`);
  const { api } = await freshAccount(label);
  await receiver.setStatus(500);
  await receiver.reset();
  // This scenario's endpoint is a new object: its files are the ones that appear from now on.
  const endpointStorage = objectStorageDir(wrangler.stateDir, "WebhookEndpointObject");
  const filesBefore = fileNames(endpointStorage);
  const [endpoint] = await createEndpoints(api, 1, () => `/b/${label}`);

  // The first event fails the endpoint; everything after it only queues.
  const publishStart = now();
  const { events } = await publishMany(api, 1, 1);
  if (events.length !== 1) throw new Error("publishing the first backlog event failed");
  const failed = await waitUntil(
    async () => (await getEndpoint(api, endpoint.id)).status === "failed",
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  if (!failed) throw new Error("the endpoint did not become failed within 30 s");
  const rest = await publishMany(api, size - 1, config.publishConcurrency);
  events.push(...rest.events);
  const publishMs = now() - publishStart;
  const queued = await getEndpoint(api, endpoint.id);

  const memory = sampleMemory();
  const flipAt = await receiver.setStatus(200);
  const complete = await waitUntil(
    async () => {
      if (receiver.ok() < events.length) return false;
      const current = await getEndpoint(api, endpoint.id);
      return current.status === "active" && current.pending_count === 0 ? current : false;
    },
    { timeoutMs: deliveryTimeoutMs(size), intervalMs: 100 },
  );
  await sleep(200);
  const footprint = memory.stop();
  const storageGrowth = newFilesBytes(endpointStorage, filesBefore);
  const hits = (await receiver.take()).filter((hit) => hit.path === `/b/${label}`);
  const finalState = complete || (await getEndpoint(api, endpoint.id));

  const lastFailure = hits.findLastIndex((hit) => hit.status >= 300);
  const failures = hits.filter((hit) => hit.status >= 300);
  const afterRecovery = hits.slice(lastFailure + 1);
  const byId = new Map(events.map((event, index) => [event.id, { ...event, index }]));
  const delivered = new Set(hits.filter((hit) => hit.status < 300).map((hit) => hit.id));
  const lost = events.filter((event) => !delivered.has(event.id)).length;
  const firstOccurrence = [];
  const seen = new Set();
  for (const hit of afterRecovery) {
    if (seen.has(hit.id) || !byId.has(hit.id)) continue;
    seen.add(hit.id);
    firstOccurrence.push(byId.get(hit.id));
  }
  let ackOrderInversions = 0;
  for (let i = 1; i < firstOccurrence.length; i++) {
    if (firstOccurrence[i].end < firstOccurrence[i - 1].end) ackOrderInversions += 1;
  }
  const violations = happensBeforeViolations(firstOccurrence);
  const firstOk = afterRecovery[0]?.t ?? null;
  const lastOk = afterRecovery.at(-1)?.t ?? null;
  return {
    size,
    // Runtime memory across the drain, and what the endpoint objects' files grew by per event
    // (queued, delivered and logged; SQLite pages are reused, so this is an upper bound).
    memory: footprint,
    endpoint_storage_bytes_per_event: Math.round(storageGrowth / size),
    publish_failures: rest.failures,
    in_flight: inFlight,
    publish_ms: publishMs,
    publish_per_second: ratePerSecond(size, publishMs),
    pending_before_recovery: queued.pending_count,
    status_before_recovery: queued.status,
    failed_attempts_while_down: failures.length,
    probe_only_oldest: failures.every((hit) => hit.id === events[0].id),
    complete: Boolean(complete),
    final_status: finalState.status,
    final_pending: finalState.pending_count,
    delivered_unique: delivered.size,
    lost,
    duplicates: afterRecovery.length - seen.size,
    order_violations: violations,
    ack_order_inversions: ackOrderInversions,
    in_order: violations === 0,
    // From the receiver's switch to 200 (includes waiting for the next probe, at most
    // FAILED_RETRY_INTERVAL_MS) to the last delivery.
    drain_ms: lastOk === null ? null : lastOk - flipAt,
    // From the probe's success to the last delivery: the replay itself.
    replay_ms: lastOk === null ? null : lastOk - firstOk,
    replay_per_second: lastOk === null ? null : ratePerSecond(seen.size - 1, lastOk - firstOk),
    ms_per_event: lastOk === null ? null : (lastOk - firstOk) / Math.max(1, seen.size - 1),
  };
}

// ---------------------------------------------------------------------------------------------
// d. Linear fan-out

async function benchFanout(endpointCount) {
  log(`d. fan-out to ${endpointCount} endpoint(s), ${config.linearEvents} events`);
  const label = `fanout-${endpointCount}`;
  const { api } = await freshAccount(label);
  await createEndpoints(api, endpointCount, (index) => `/f/${label}/${index}`);
  await receiver.reset();
  const start = now();
  // Sequential publishes: each request's latency is the cost of one event's fan-out.
  const { events, failures } = await publishMany(api, config.linearEvents, 1);
  const publishEnd = now();
  const expected = events.length * endpointCount;
  const complete = await waitForDeliveries(expected);
  const hits = (await receiver.take()).filter(
    (hit) => hit.path.startsWith(`/f/${label}/`) && hit.status < 300,
  );
  const unique = new Set(hits.map((hit) => `${hit.path}|${hit.id}`)).size;
  const lastAt = hits.at(-1)?.t ?? null;
  const publishLatency = summarize(events.map((event) => event.end - event.start));
  const totalMs = lastAt === null ? null : lastAt - start;
  return {
    endpoints: endpointCount,
    events: config.linearEvents,
    publish_failures: failures,
    deliveries_expected: expected,
    deliveries_unique: unique,
    complete,
    publish_ms_per_event: publishLatency,
    publish_ms_per_event_per_endpoint: publishLatency.p50 / endpointCount,
    publish_total_ms: publishEnd - start,
    delivery_total_ms: totalMs,
    ms_per_delivery: totalMs === null ? null : totalMs / Math.max(1, unique),
    deliveries_per_second: totalMs === null ? null : ratePerSecond(unique, totalMs),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

/** "x5 -> x7.1, x10 -> x21.4": size factors against cost factors, relative to the smallest. */
function growth(sizes, costs) {
  if (sizes.length < 2 || !costs[0]) return "n/a";
  return sizes
    .slice(1)
    .map(
      (size, i) => `size x${fmt(size / sizes[0], 1)} -> cost x${fmt(costs[i + 1] / costs[0], 1)}`,
    )
    .join(", ");
}

/** The in-runtime ceiling (ceiling worker) at `concurrency`, in requests/s, or null. */
function ceilingFor(ceiling, concurrency) {
  return ceiling?.runtime.find((entry) => entry.concurrency === concurrency)?.per_second ?? null;
}

/** Adds the matching in-runtime ceiling and the % of it to a throughput or drain result. */
function compareToCeiling(result, ceiling, concurrency, rate) {
  const perSecond = ceilingFor(ceiling, concurrency);
  result.ceiling_concurrency = concurrency;
  result.ceiling_per_second = perSecond;
  result.percent_of_ceiling = perSecond && rate !== null ? (rate / perSecond) * 100 : null;
  result.meets_target = result.percent_of_ceiling === null ? null : result.percent_of_ceiling >= 50;
  return result;
}

const verdict = (met) => (met === null ? "n/a" : met ? "MET" : "NOT MET");

function report(results) {
  const lines = [];
  const out = (line = "") => lines.push(line);
  const phase = results.phases[0];
  out("Switchboard benchmark (npm run bench)");
  out("=".repeat(100));
  out(
    `machine: ${results.machine.cpus} x ${results.machine.cpu_model}; node ${results.machine.node}; load before ${results.machine.loadavg_before.map((v) => v.toFixed(2)).join(" ")}, after ${results.machine.loadavg_after.map((v) => v.toFixed(2)).join(" ")}`,
  );
  out(
    `runtime: wrangler dev (local workerd), fresh --persist-to state; scale ${config.scale}; total ${fmt(results.total_seconds, 1)} s`,
  );
  out(
    `vars: ENDPOINT_MAX_IN_FLIGHT=${phase.in_flight} FAILED_RETRY_INTERVAL_MS=${config.failedRetryIntervalMs} RETRY_BASE_MS=200 API_KEY_RATE_LIMIT_PER_MINUTE=1e9; client publish concurrency ${config.publishConcurrency}`,
  );

  if (phase.api || phase.send_fanout || phase.latency || phase.accounts) {
    out(
      `issue 9 scenarios: endpoints subscribe to ${config.messageEvents.join(", ")}; CARRIER_DELAY_MS default (1000)`,
    );
  }

  const auth = phase.auth;
  if (auth) {
    out();
    out(
      `a. Auth overhead: the same handler (${auth.route}) without and with a valid Bearer key; ${auth.requests} sequential`,
    );
    out(`   requests each, interleaved, after ${auth.warmup} warm-up rounds`);
    const row = (name, stats) =>
      out(
        `   ${name.padEnd(44)} p50 ${fmt(stats.p50, 3).padStart(8)} ms   p99 ${fmt(stats.p99, 3).padStart(8)} ms   mean ${fmt(stats.mean, 3).padStart(8)} ms`,
      );
    row("GET /v1/event-types (no credentials)", auth.stats.event_types_anonymous);
    row("GET /v1/event-types (Bearer sk_test_ key)", auth.stats.event_types_key);
    row("paired difference (key - none, same round)", auth.stats.paired_difference);
    out(
      `   => median overhead ${fmt(auth.median_overhead_ms, 3)} ms (difference of medians; target <= 1 ms: ${verdict(auth.meets_target)}); p99 difference ${fmt(auth.p99_overhead_ms, 3)} ms`,
    );
    out(
      "   The overhead is the whole API-key path: format + checksum, HMAC-SHA-256 with the pepper, the KV route",
    );
    out(
      "   (cached in the isolate for 60 s, so mostly a cache hit) and the per-request call to the key's authority",
    );
    out(
      "   Durable Object (KeyAuthority: liveness, scopes, expiry, rate-limit count) that SPEC §3 requires.",
    );
    out("   context only (different handlers, smaller sample, same interleaving):");
    row("GET /healthz (no auth)", auth.stats.context_healthz);
    row("GET /v1/account (Bearer key; + a D1 read)", auth.stats.context_account_key);
    row("GET /v1/account (session cookie)", auth.stats.context_account_session);
    row("GET /v1/event-types (unknown key -> 401)", auth.stats.context_unknown_key);
  }

  const ceiling = phase.ceiling;
  if (ceiling) {
    out();
    out(
      `b. Raw fetch ceiling of the same runtime (payload ${ceiling.payload_bytes} B, both signatures computed per request)`,
    );
    out(
      "   bench/ceiling/worker.mjs under its own wrangler dev (same workerd and flags as the app) runs a bare",
    );
    out(
      "   signed-POST loop to the same receiver; rate measured inside the worker, summed over its calls:",
    );
    for (const entry of ceiling.runtime) {
      out(
        `   in-runtime ceiling, concurrency ${String(entry.concurrency).padStart(3)}: ${fmt(entry.per_second, 0).padStart(7)} req/s (${entry.requests} in ${fmt(entry.ms, 0)} ms, ${entry.calls} call(s); ${fmt(entry.wall_per_second, 0)} req/s seen from the bench)`,
      );
    }
    out(
      "   context only, NOT the ceiling (another runtime): a Node client POSTing the same payload to the same receiver:",
    );
    for (const entry of ceiling.node) {
      out(
        `   node client, concurrency ${String(entry.concurrency).padStart(3)}: ${fmt(entry.per_second, 0).padStart(7)} req/s`,
      );
    }
  }

  for (const p of results.phases) {
    if (!p.throughput?.length && !p.drain) continue;
    out();
    out(`b. Delivery throughput (ENDPOINT_MAX_IN_FLIGHT=${p.in_flight})`);
    for (const t of p.throughput ?? []) {
      out(
        `   publish-paced: ${t.events} events x ${t.endpoints} endpoint(s) = ${t.deliveries_expected} deliveries: received ${t.deliveries_unique}${t.complete ? "" : " (INCOMPLETE)"}, duplicates ${t.duplicates}${t.publish_failures ? `, ${t.publish_failures} publish(es) not acknowledged` : ""}`,
      );
      out(
        `      delivery rate (receiver, first->last): ${fmt(t.deliveries_per_second, 1)} deliveries/s = ${fmt(t.events_per_second, 1)} events/s fully fanned out`,
      );
      out(
        `      publish rate: ${fmt(t.publish_per_second, 1)} events/s; first publish -> last delivery ${fmt(t.end_to_end_ms / 1000, 2)} s`,
      );
      if (t.ceiling_per_second) {
        out(
          `      = ${fmt(t.percent_of_ceiling, 1)} % of the in-runtime ceiling @${t.ceiling_concurrency} (${fmt(t.ceiling_per_second, 0)} req/s; target >= 50 %: ${verdict(t.meets_target)})`,
        );
      }
      const lc = t.latency_created_to_received_ms;
      const lp = t.latency_publish_start_to_received_ms;
      out(
        `      latency created_at -> received: p50 ${fmt(lc.p50, 1)} ms, p99 ${fmt(lc.p99, 1)} ms; publish request start -> received: p50 ${fmt(lp.p50, 1)} ms, p99 ${fmt(lp.p99, 1)} ms`,
      );
    }
    const d = p.drain;
    if (d) {
      out(
        `   drain: ${d.size} events queued while the receiver answered 500 (endpoint failed), then 200; replay of the backlog:`,
      );
      out(
        `      ${fmt(d.replay_per_second, 1)} deliveries/s first->last delivery (${fmt(d.replay_ms / 1000, 2)} s); lost ${d.lost}, duplicates ${d.duplicates}, order violations ${d.order_violations}${d.complete ? "" : " (INCOMPLETE)"}`,
      );
      if (d.ceiling_per_second) {
        out(
          `      = ${fmt(d.percent_of_ceiling, 1)} % of the in-runtime ceiling @${d.ceiling_concurrency} (${fmt(d.ceiling_per_second, 0)} req/s; target >= 50 %: ${verdict(d.meets_target)})`,
        );
      }
    }
  }

  const backlogs = phase.backlogs ?? [];
  if (backlogs.length) {
    const biggest = backlogs.at(-1);
    out();
    out(`c. Backlog of ${biggest.size} events (receiver 500 while publishing, then 200)`);
    out(
      `   before recovery: status ${biggest.status_before_recovery}, pending_count ${biggest.pending_before_recovery}, ${biggest.failed_attempts_while_down} failed attempt(s), probes only re-sent the oldest event: ${biggest.probe_only_oldest ? "yes" : "NO"}`,
    );
    out(
      `   drain: ${fmt(biggest.drain_ms / 1000, 2)} s from the switch to 200 (includes the wait for the next probe), replay ${fmt(biggest.replay_ms / 1000, 2)} s = ${fmt(biggest.replay_per_second, 1)} events/s`,
    );
    out(
      `   ${biggest.publish_failures ? `${biggest.publish_failures} publish(es) not acknowledged (excluded); ` : ""}lost ${biggest.lost}, duplicates ${biggest.duplicates}, order violations ${biggest.order_violations} (ack-order inversions ${biggest.ack_order_inversions}); final status ${biggest.final_status}, pending ${biggest.final_pending} => ${biggest.lost === 0 && biggest.order_violations === 0 && biggest.complete ? "NOTHING LOST, IN ORDER" : "FAILED"}`,
    );
    out(
      "   order rule: if event A's publish was acknowledged before B's publish started, A must arrive first",
    );
    out(
      `   (publishes run ${config.publishConcurrency} at a time, so concurrent publishes have no defined order).`,
    );
  }

  const fanouts = phase.fanout ?? [];
  if (fanouts.length || backlogs.length) {
    out();
    out("d. Linear costs");
    if (fanouts.length) {
      out(`   fan-out (${config.linearEvents} events published sequentially):`);
      out(
        "     endpoints | publish p50 ms | ms/endpoint | total delivery s | ms/delivery | deliveries/s",
      );
      for (const f of fanouts) {
        out(
          `     ${String(f.endpoints).padStart(9)} | ${fmt(f.publish_ms_per_event.p50, 2).padStart(14)} | ${fmt(f.publish_ms_per_event_per_endpoint, 3).padStart(11)} | ${fmt(f.delivery_total_ms / 1000, 2).padStart(16)} | ${fmt(f.ms_per_delivery, 3).padStart(11)} | ${fmt(f.deliveries_per_second, 1).padStart(12)}${f.complete ? "" : "  INCOMPLETE"}`,
        );
      }
      out(
        `     scaling: ${growth(
          fanouts.map((f) => f.endpoints),
          fanouts.map((f) => f.publish_ms_per_event.p50),
        )} (publish p50); ${growth(
          fanouts.map((f) => f.endpoints),
          fanouts.map((f) => f.delivery_total_ms),
        )} (total delivery)`,
      );
    }
    if (backlogs.length) {
      out("   backlog drain:");
      out(
        "     backlog | publish s | drain s | replay s | ms/event | lost | dup | order viol. | storage B/event | workerd MiB start/peak/end",
      );
      for (const b of backlogs) {
        out(
          `     ${String(b.size).padStart(7)} | ${fmt(b.publish_ms / 1000, 1).padStart(9)} | ${fmt(b.drain_ms / 1000, 2).padStart(7)} | ${fmt(b.replay_ms / 1000, 2).padStart(8)} | ${fmt(b.ms_per_event, 3).padStart(8)} | ${String(b.lost).padStart(4)} | ${String(b.duplicates).padStart(3)} | ${String(b.order_violations).padStart(11)} | ${String(b.endpoint_storage_bytes_per_event).padStart(15)} | ${b.memory.start_mib}/${b.memory.peak_mib}/${b.memory.end_mib}`,
        );
      }
      out(
        `     scaling: ${growth(
          backlogs.map((b) => b.size),
          backlogs.map((b) => b.publish_ms),
        )} (publish); ${growth(
          backlogs.map((b) => b.size),
          backlogs.map((b) => b.replay_ms),
        )} (replay)`,
      );
      out("     (linear = the cost grows by the same factor as the size; ms/event stays flat)");
    }
  }
  if (phase.api) reportApi(phase.api, out);
  if (phase.send_fanout) reportSendFanout(phase.send_fanout, out);
  if (phase.latency) reportLatency(phase.latency, out);
  if (phase.accounts) reportAccounts(phase.accounts, out);
  out("=".repeat(100));
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------

function wranglerVersion() {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", "wrangler", "package.json"), "utf8"))
      .version;
  } catch {
    return null;
  }
}

function roundDeep(value) {
  if (typeof value === "number") return round(value, 3);
  if (Array.isArray(value)) return value.map(roundDeep);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  }
  return value;
}

/** What has been measured so far (the failure path still reports it). */
let results = null;

async function main() {
  results = {
    started_at: new Date(startedAt).toISOString(),
    config,
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? "unknown",
      node: process.version,
      wrangler: wranglerVersion(),
      loadavg_before: loadavg(),
    },
    phases: [],
  };
  receiver = await startBenchReceiver();
  const fanoutConcurrency = Math.min(128, config.fanoutEndpoints * config.inFlight);

  const phase = { in_flight: config.inFlight, fanout_concurrency: fanoutConcurrency };
  results.phases.push(phase);
  await boot(config.inFlight);
  if (enabled("auth")) phase.auth = await benchAuth();
  // One ceiling per concurrency a throughput figure is compared with: 1 endpoint at each
  // in-flight setting, and the fan-out (one delivery in flight per endpoint).
  const levels = [
    ...new Set([1, config.inFlight, ...config.extraInFlight, fanoutConcurrency]),
  ].sort((a, b) => a - b);
  if (enabled("ceiling")) phase.ceiling = await benchCeiling(levels);
  const oneEndpointThroughput = async (target, inFlight, suffix) => {
    const one = await benchThroughput(`one${suffix}`, 1, config.events);
    target.throughput.push(
      compareToCeiling(one, phase.ceiling, inFlight, one.deliveries_per_second),
    );
    // The same endpoint count as a drain: the backlog is queued first, so the replay rate is the
    // delivery engine's alone, not bounded by how fast the publish API accepts events.
    const drain = await benchBacklog(config.events, inFlight, `drain-one${suffix}`);
    target.drain = compareToCeiling(drain, phase.ceiling, inFlight, drain.replay_per_second);
  };
  phase.throughput = [];
  if (enabled("throughput")) {
    await oneEndpointThroughput(phase, config.inFlight, "");
    const fan = await benchThroughput("fan", config.fanoutEndpoints, config.fanoutEvents);
    phase.throughput.push(
      compareToCeiling(fan, phase.ceiling, fanoutConcurrency, fan.deliveries_per_second),
    );
  }
  phase.fanout = [];
  if (enabled("fanout")) {
    for (const count of config.linearEndpoints) phase.fanout.push(await benchFanout(count));
  }
  phase.backlogs = [];
  if (enabled("backlog")) {
    for (const size of config.backlogs) {
      phase.backlogs.push(await benchBacklog(size, config.inFlight));
    }
  }

  // Issue 9: real sends through POST /v1/messages (bench/scenarios/).
  const ctx = {
    config,
    log,
    receiver,
    baseUrl: () => wrangler.baseUrl,
    freshAccount,
    deliveryTimeoutMs,
    /** Throws once wrangler dev has exited, so a crash fails the run at once (with its log). */
    assertAlive: () => {
      if (wrangler.exited) throw new Error("wrangler dev exited during the run");
    },
  };
  if (enabled("api")) phase.api = await benchApi(ctx);
  if (enabled("send-fanout")) phase.send_fanout = await benchSendFanout(ctx);
  if (enabled("latency")) phase.latency = await benchLatency(ctx);
  if (enabled("accounts")) {
    phase.accounts = await benchAccounts(ctx, (partial) => {
      phase.accounts = partial;
    });
  }

  for (const inFlight of enabled("extra") ? config.extraInFlight : []) {
    if (inFlight === config.inFlight) continue;
    const extra = { in_flight: inFlight, fanout_concurrency: fanoutConcurrency, throughput: [] };
    results.phases.push(extra);
    await boot(inFlight);
    await oneEndpointThroughput(extra, inFlight, `-${inFlight}`);
  }

  results.total_seconds = (Date.now() - startedAt) / 1000;
  results.machine.loadavg_after = loadavg();
  const text = report(results);
  console.log(text);
  const file = join(here, "results.json");
  writeFileSync(
    file,
    `${JSON.stringify(roundDeep({ ...results, report: text.split("\n") }), null, 2)}\n`,
  );
  // Keep the file in the repository's own format so `biome check .` stays clean.
  spawnSync(join(root, "node_modules", ".bin", "biome"), ["format", "--write", file], {
    cwd: root,
    stdio: "ignore",
    timeout: 60_000,
  });
  log(`results written to ${file}`);
  const backlogOk = phase.backlogs.every(
    (b) => b.complete && b.lost === 0 && b.order_violations === 0,
  );
  const throughputOk = results.phases.every(
    (p) =>
      p.throughput.every((t) => t.complete) && (!p.drain || (p.drain.complete && !p.drain.lost)),
  );
  const sendsOk =
    (!phase.send_fanout || phase.send_fanout.deliveries.complete) &&
    (!phase.latency || phase.latency.burst.deliveries.complete) &&
    (!phase.accounts || phase.accounts.complete);
  return backlogOk && throughputOk && sendsOk ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`failed: ${error.stack ?? error.message}`);
  if (results) {
    // The scenarios that finished before the failure; bench/results.json is left as it was.
    results.failed = error.message;
    results.total_seconds = (Date.now() - startedAt) / 1000;
    results.machine.loadavg_after = loadavg();
    const file = join(tmpdir(), "switchboard-bench-partial.json");
    try {
      const text = report(results);
      console.log(text);
      writeFileSync(
        file,
        `${JSON.stringify(roundDeep({ ...results, report: text.split("\n") }), null, 2)}\n`,
      );
      log(`partial results (the scenarios that finished) written to ${file}`);
    } catch (reportError) {
      log(`could not report the partial results: ${reportError.message}`);
    }
  }
  if (wrangler) {
    const file = join(tmpdir(), "switchboard-bench-wrangler.log");
    writeFileSync(file, wrangler.log(100_000));
    log(`last wrangler output (all of it in ${file}):\n${wrangler.log(40)}`);
  }
} finally {
  await wrangler?.stop();
  await receiver?.close();
}
process.exit(exitCode);
