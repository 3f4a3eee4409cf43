// Small helpers for the benchmark: a JSON API client, statistics, bounded waiting and a
// concurrency pool.
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
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed };
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
