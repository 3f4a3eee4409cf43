// Small helpers for the benchmark: a JSON API client, a closed-loop load generator, statistics,
// bounded waiting and a concurrency pool.
import http from "node:http";
import { parseBody } from "../test/e2e/lib/api.mjs";

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const REQUEST_TIMEOUT_MS = 60_000;

/**
 * A JSON client on the platform fetch (undici, keep-alive). Under heavy fan-out, wrangler dev's
 * proxy dropped requests sent with node:http ("Network connection lost") far more often than with
 * fetch, so the API traffic goes through fetch; node:http is only used for the latency and
 * ceiling loops, where its lower overhead matters and requests are light.
 */
export function jsonClient(baseUrl, { key = null } = {}) {
  const request = async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: parseBody(await response.text()) };
  };
  return {
    request,
    async expect(method, path, body, status) {
      const response = await request(method, path, body);
      const ok = status === undefined ? response.status < 300 : response.status === status;
      if (!ok) {
        throw new Error(
          `${method} ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 400)}`,
        );
      }
      return response.body;
    },
  };
}

/**
 * Closed-loop load: `agent.maxSockets` keep-alive node:http loops against `baseUrl` for `ms`, each
 * sending `next()` = `{ method, path, headers, body }` again as soon as the previous answer is read.
 * Returns `{ requests, ok, errors, errorStatuses, firstError, ms, per_second, latencies }`; `ok` counts answers with
 * `okStatus(status)`, `errors` the rest (connection errors included), and the rate counts `ok`.
 */
export async function httpLoad(baseUrl, { agent, ms, next, okStatus }) {
  const url = new URL(baseUrl);
  const once = ({ method = "GET", path, headers = {}, body }) =>
    new Promise((resolve) => {
      const start = performance.now();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers:
            body === undefined
              ? headers
              : { ...headers, "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          // Only an error's body is kept (its start), for the report.
          res.on("data", (chunk) => {
            if (res.statusCode >= 300 && text.length < 500) text += chunk;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode, ms: performance.now() - start, text }),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", (error) =>
        resolve({ status: 0, ms: performance.now() - start, text: error.message }),
      );
      req.end(body);
    });
  const latencies = [];
  let ok = 0;
  let errors = 0;
  const errorStatuses = {};
  let firstError = null;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: agent.maxSockets }, async () => {
      while (performance.now() < deadline) {
        const result = await once(next());
        if (okStatus(result.status)) {
          ok += 1;
          latencies.push(result.ms);
        } else {
          errors += 1;
          errorStatuses[result.status] = (errorStatuses[result.status] ?? 0) + 1;
          firstError ??= `${result.status} ${result.text.slice(0, 300)}`;
        }
      }
    }),
  );
  const elapsed = performance.now() - start;
  return {
    requests: ok + errors,
    ok,
    errors,
    errorStatuses,
    firstError,
    ms: elapsed,
    per_second: (ok / elapsed) * 1000,
    latencies,
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once, in index order. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  });
  await Promise.all(workers);
}

/** Polls `check()` until truthy or `timeoutMs` passes; returns the value or null on time-out. */
export async function waitUntil(check, { timeoutMs, intervalMs = 50 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await sleep(intervalMs);
  }
  return null;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : null,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

export const round = (value, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value)
    ? null
    : Math.round(value * 10 ** digits) / 10 ** digits;

export const fmt = (value, digits = 2) => {
  const rounded = round(value, digits);
  return rounded === null ? "n/a" : rounded.toLocaleString("en-US");
};
