// api (issue 9, SPEC §10 "API throughput"): `POST /v1/messages` (test key, one endpoint subscribed
// to the message events at the bench receiver) against `GET /healthz`, closed loop at the same
// concurrency, in interleaved windows (healthz, send, account, healthz, send, …) so every route
// sees the same machine. `GET /v1/account` with the key is context. After each send window the
// bench waits (bounded) for that window's deliveries, so the next window starts on a quiet machine.
import http from "node:http";
import { fmt, httpLoad, now, summarize } from "../lib.mjs";
import { deliveryLog, describeDeliveries, nextTo, subscribe } from "./messages.mjs";

const is2xx = (status) => status >= 200 && status < 300;

export async function benchApi(ctx) {
  const { concurrency, windowMs, rounds } = ctx.config.api;
  ctx.log(
    `api: ${rounds} rounds of ${windowMs} ms windows per route at concurrency ${concurrency}`,
  );
  const { key, api } = await ctx.freshAccount("api");
  const prefix = "/i9/api/";
  await subscribe(ctx, api, 1, () => `${prefix}0`);
  await ctx.receiver.reset();
  const log = deliveryLog(ctx, prefix);
  const bearer = { authorization: `Bearer ${key}` };
  const routes = {
    healthz: { label: "GET /healthz", next: () => ({ path: "/healthz" }) },
    send: {
      label: "POST /v1/messages",
      next: () => ({
        method: "POST",
        path: "/v1/messages",
        headers: { ...bearer, "content-type": "application/json" },
        body: JSON.stringify({ to: nextTo(), body: "bench api send" }),
      }),
    },
    account: {
      label: "GET /v1/account (key)",
      next: () => ({ path: "/v1/account", headers: bearer }),
    },
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let accepted = 0;
  const settleMs = [];
  const window = async (name, ms) => {
    const result = await httpLoad(ctx.baseUrl(), {
      agent,
      ms,
      next: routes[name].next,
      okStatus: is2xx,
    });
    ctx.assertAlive();
    if (result.errors > 0) {
      ctx.log(
        `api: ${name} window had ${result.errors} errors ${JSON.stringify(result.errorStatuses)}; first: ${result.firstError}`,
      );
    }
    if (name === "send") {
      accepted += result.ok;
      const start = now();
      await log.settle(accepted);
      settleMs.push(now() - start);
    }
    return result;
  };
  for (const name of Object.keys(routes)) await window(name, Math.min(1000, windowMs)); // warm-up
  const warmupSends = accepted;
  const windows = Object.fromEntries(Object.keys(routes).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of Object.keys(routes)) windows[name].push(await window(name, windowMs));
  }
  agent.destroy();
  const deliveries = await log.settle(accepted);

  const stats = {};
  for (const [name, results] of Object.entries(windows)) {
    stats[name] = {
      route: routes[name].label,
      windows_per_second: results.map((result) => result.per_second),
      median_per_second: summarize(results.map((result) => result.per_second)).p50,
      requests: results.reduce((sum, result) => sum + result.ok, 0),
      errors: results.reduce((sum, result) => sum + result.errors, 0),
      first_error: results.find((result) => result.firstError)?.firstError ?? null,
      latency_ms: summarize(results.flatMap((result) => result.latencies)),
    };
  }
  const ratio = stats.send.median_per_second / stats.healthz.median_per_second;
  return {
    concurrency,
    window_ms: windowMs,
    rounds,
    warmup_sends: warmupSends,
    stats,
    send_to_healthz_ratio: ratio,
    target_ratio: 0.5,
    meets_target: ratio >= 0.5,
    settle_after_send_window_ms: summarize(settleMs),
    deliveries,
  };
}

export function reportApi(r, out) {
  out();
  out(
    `api. POST /v1/messages vs GET /healthz, closed loop at concurrency ${r.concurrency}, ${r.rounds} interleaved rounds of ${fmt(r.window_ms / 1000, 1)} s per route`,
  );
  out(
    "   route                        | median req/s | windows req/s            | p50 ms | p99 ms | errors",
  );
  for (const s of Object.values(r.stats)) {
    out(
      `   ${s.route.padEnd(28)} | ${fmt(s.median_per_second, 1).padStart(12)} | ${s.windows_per_second
        .map((v) => fmt(v, 0))
        .join(" ")
        .padEnd(
          24,
        )} | ${fmt(s.latency_ms.p50, 2).padStart(6)} | ${fmt(s.latency_ms.p99, 2).padStart(6)} | ${s.errors}`,
    );
  }
  out(
    `   => send/healthz = ${fmt(r.send_to_healthz_ratio * 100, 1)} % (target >= 50 %: ${r.meets_target ? "MET" : "NOT MET"})`,
  );
  const d = r.deliveries;
  out(
    `   deliveries (1 endpoint): ${describeDeliveries(d)}; wait after each send window p50 ${fmt(r.settle_after_send_window_ms.p50 / 1000, 2)} s`,
  );
}
