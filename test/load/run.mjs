#!/usr/bin/env node
// `npm run test:load` (issue 13): the worker under `wrangler dev` on loopback, a steady open-loop
// rate of mixed API traffic over a few accounts for about a minute, with webhook endpoints at a
// local receiver so deliveries run at the same time. Fails on any error (a non-2xx answer, a
// network error, a request the scheduler could not start), on a delivery that never arrives
// (bounded wait), on growth of the worker's JS heap (after a full GC), or when wrangler dev
// exits. Prints a table, a one-line summary and TAP totals, and writes test-results/load.json.
// `--short` (`npm run test:load:short`, in `npm test`) runs a 15 s steady phase.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { jsonClient, round, summarize } from "../../bench/lib.mjs";
import { startBenchReceiver } from "../../bench/receiver.mjs";
import { newAccountWithTestKey } from "../e2e/lib/api.mjs";
import { root, startWrangler } from "../e2e/lib/wrangler.mjs";
import { awaitDeliveries, deliveryLog } from "./deliveries.mjs";
import { connectHeap } from "./heap.mjs";
import { growth, startMemorySampler } from "./memory.mjs";
import { ROUTES, runTraffic } from "./traffic.mjs";

const envNum = (name, fallback) => {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isFinite(value) && value > 0 ? value : fallback;
};
const short = process.argv.includes("--short") || process.env.LOAD_SHORT === "1";
const config = {
  variant: short ? "short" : "full",
  steadySeconds: envNum("LOAD_SECONDS", short ? 15 : 60),
  warmupSeconds: envNum("LOAD_WARMUP_SECONDS", short ? 3 : 5),
  rate: envNum("LOAD_RATE", 20),
  accounts: Math.round(envNum("LOAD_ACCOUNTS", 3)),
  memoryIntervalMs: envNum("LOAD_MEMORY_INTERVAL_MS", short ? 1000 : 2000),
  maxMemoryGrowth: envNum("LOAD_MAX_MEMORY_GROWTH", 0.3),
  deliveryTimeoutSeconds: envNum("LOAD_DELIVERY_TIMEOUT_SECONDS", 60),
  maxInFlight: Math.round(envNum("LOAD_MAX_IN_FLIGHT", 200)),
};

// Endpoint A takes everything the mix produces; endpoint B only message.sent, so a send fans out
// to two endpoints. Both answer 200 from the receiver thread.
const SUBSCRIPTIONS = {
  all: ["message.sent", "message.delivered", "contact.created", "contact.tag_changed"],
  sent: ["message.sent"],
};

const log = (message) => process.stderr.write(`[load ${new Date().toISOString()}] ${message}\n`);
const ms = (value) => (value === null ? "n/a" : `${round(value, 1)}`);

/** On a failure: wrangler's output to test-results/load-wrangler.log, and its tail to stderr. */
function saveWranglerLog(wrangler) {
  const file = join(root, "test-results", "load-wrangler.log");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, wrangler.log(100_000));
  log(`last wrangler output (all of it in ${file}):\n${wrangler.log(30)}`);
}

async function setUpAccounts(wrangler, receiver) {
  const accounts = [];
  for (let i = 0; i < config.accounts; i++) {
    const { key } = await newAccountWithTestKey(wrangler.baseUrl, `load${i}`);
    const api = jsonClient(wrangler.baseUrl, { key });
    const endpoints = [];
    for (const [name, events] of Object.entries(SUBSCRIPTIONS)) {
      const path = `/a${i}/${name}`;
      const created = await api.expect(
        "POST",
        "/v1/webhooks",
        { url: receiver.url(path), events },
        201,
      );
      endpoints.push({ id: created.id, path, events });
    }
    accounts.push({ key, api, endpoints, messages: [], contacts: [] });
  }
  return accounts;
}

/** Per-route and overall figures over the steady phase (`phaseMs` long). */
function routeTable(samples, phaseMs) {
  const row = (name, list) => {
    const stats = summarize(list.filter((s) => s.ok).map((s) => s.ms));
    return {
      route: name,
      requests: list.length,
      per_second: (list.length / phaseMs) * 1000,
      p50_ms: stats.p50,
      p99_ms: stats.p99,
      max_ms: stats.max,
      errors: list.filter((s) => !s.ok).length,
    };
  };
  return {
    routes: ROUTES.map((route) =>
      row(
        route.name,
        samples.filter((s) => s.route === route.name),
      ),
    ).filter((r) => r.requests > 0),
    overall: row("overall", samples),
  };
}

function printTable(table) {
  const line = (cells) =>
    console.log(
      `# ${cells[0].padEnd(34)} ${cells
        .slice(1)
        .map((c) => String(c).padStart(8))
        .join(" ")}`,
    );
  line(["route", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors"]);
  for (const r of [...table.routes, table.overall]) {
    line([
      r.route,
      r.requests,
      round(r.per_second, 1),
      ms(r.p50_ms),
      ms(r.p99_ms),
      ms(r.max_ms),
      r.errors,
    ]);
  }
}

async function main(results) {
  const receiver = await startBenchReceiver();
  let wrangler = null;
  let heap = null;
  const stopPulling = [];
  try {
    log(
      `starting wrangler dev (${config.variant}: ${config.steadySeconds} s at ${config.rate} req/s)`,
    );
    wrangler = await startWrangler({
      label: "load",
      // Contract defaults otherwise (CARRIER_DELAY_MS, the per-key rate limit, timeouts); the
      // sign-up limit only moves when LOAD_ACCOUNTS asks for more accounts than it allows.
      vars: {
        ALLOW_PRIVATE_WEBHOOK_URLS: "true",
        SIGNUP: "open",
        SIGNUPS_PER_HOUR_PER_IP: String(Math.max(20, config.accounts)),
      },
    });
    heap = await connectHeap(wrangler.inspectorPort);
    const origin = performance.now();
    const memory = startMemorySampler({
      processGroup: wrangler.pid,
      heap,
      intervalMs: config.memoryIntervalMs,
      origin,
    });
    const accounts = await setUpAccounts(wrangler, receiver);
    const deliveries = deliveryLog(receiver);
    // The receiver thread keeps its log until taken; taking it as the run goes keeps that small.
    const puller = setInterval(() => deliveries.pull(), 2_000);
    stopPulling.push(() => clearInterval(puller));

    const collected = { start_mib: await heap.collectedHeapMiB() };
    const runPhase = async (name, seconds) => {
      log(`${name}: ${seconds} s at ${config.rate} req/s`);
      const startS = (performance.now() - origin) / 1000;
      const phase = await runTraffic({
        baseUrl: wrangler.baseUrl,
        accounts,
        rate: config.rate,
        ms: seconds * 1000,
        maxInFlight: config.maxInFlight,
        onTick: () => (wrangler.exited ? "wrangler dev exited during the run" : null),
      });
      return { ...phase, startS, endS: startS + phase.ms / 1000 };
    };
    const warmup = await runPhase("warm-up", config.warmupSeconds);
    // Between the phases, not inside one: the forced GC stops the isolate for about a second.
    if (!warmup.aborted) collected.warm_mib = await heap.collectedHeapMiB();
    const steady = warmup.aborted ? warmup : await runPhase("steady", config.steadySeconds);
    const allErrors = [...warmup.errors, ...(steady === warmup ? [] : steady.errors)];
    if (steady.aborted) {
      const at = (performance.now() - origin) / 1000 - warmup.startS;
      results.aborted = { reason: steady.aborted, after_seconds: at };
      results.first_errors = allErrors.slice(0, 10);
      results.memory = { samples: await memory.stop() };
      log(`${steady.aborted} after ${round(at, 1)} s of traffic`);
      log(`first errors: ${JSON.stringify(results.first_errors.slice(0, 3))}`);
      saveWranglerLog(wrangler);
      return false;
    }
    await memory.take();
    log(`traffic done (${warmup.started + steady.started} requests); waiting for deliveries`);
    const delivery = await awaitDeliveries(accounts, deliveries, {
      timeoutMs: config.deliveryTimeoutSeconds * 1000,
    });
    collected.end_mib = await heap.collectedHeapMiB();
    collected.growth = collected.end_mib / collected.warm_mib - 1;
    collected.max_growth = config.maxMemoryGrowth;
    const samples = await memory.stop();
    const window = { fromS: steady.startS, toS: steady.endS, maxGrowth: config.maxMemoryGrowth };
    const sampledHeap = growth(samples, "heap_mib", window);
    const rss = growth(samples, "rss_mib", window);
    const table = routeTable(steady.samples, steady.ms);
    const errors = allErrors.length;
    Object.assign(results, {
      traffic: {
        started: warmup.started + steady.started,
        skipped: warmup.skipped + steady.skipped,
        peak_in_flight: Math.max(warmup.peakInFlight, steady.peakInFlight),
        max_scheduler_lag_ms: Math.max(warmup.maxLagMs, steady.maxLagMs),
        errors,
        first_errors: allErrors.slice(0, 10),
      },
      table,
      deliveries: delivery,
      memory: {
        heap_after_gc: collected,
        heap_sampled: sampledHeap,
        workerd_rss: rss,
        heap_read_errors: memory.heapErrors,
        samples,
      },
      wrangler_exited: wrangler.exited,
    });
    if (errors > 0) log(`errors: ${JSON.stringify(allErrors.slice(0, 5))}`);
    if (!delivery.complete) log(`deliveries incomplete: ${JSON.stringify(delivery)}`);

    printTable(table);
    const o = table.overall;
    console.log(
      `# load: ${o.requests} requests in ${round(steady.ms / 1000, 1)} s, ${round(o.per_second, 1)} req/s, p50 ${ms(o.p50_ms)} ms, p99 ${ms(o.p99_ms)} ms, errors ${errors}, deliveries ${delivery.received}/${delivery.expected}, memory start ${collected.start_mib} MiB → end ${collected.end_mib} MiB (JS heap after GC; workerd RSS ${rss.start_mib} → ${rss.last_mib} MiB)`,
    );
    console.log(
      `# JS heap after a full GC: start ${collected.start_mib} MiB, after warm-up ${collected.warm_mib} MiB, end ${collected.end_mib} MiB (${round(collected.growth * 100, 1)} % since warm-up, bound ${config.maxMemoryGrowth * 100} %); sampled during the steady phase ${sampledHeap.warm_mib} → ${sampledHeap.end_mib} MiB (fitted), peak ${sampledHeap.peak_mib} MiB`,
    );
    console.log(
      `# workerd RSS (context, not checked): ${rss.warm_mib} → ${rss.end_mib} MiB over the steady phase (fitted, ${round((rss.growth ?? 0) * 100, 1)} %, ${round(rss.slope_mib_per_minute, 1)} MiB/min); ${delivery.duplicates} duplicate deliveries, scheduler lag max ${ms(results.traffic.max_scheduler_lag_ms)} ms, peak in flight ${results.traffic.peak_in_flight}`,
    );
    const checks = {
      "no errors": errors === 0,
      "every delivery arrived": delivery.complete,
      "no JS heap growth": collected.growth <= config.maxMemoryGrowth,
      "wrangler dev stayed up": !wrangler.exited,
    };
    results.checks = checks;
    for (const [name, ok] of Object.entries(checks))
      console.log(`# ${ok ? "ok" : "FAILED"}: ${name}`);
    return Object.values(checks).every(Boolean);
  } catch (error) {
    if (wrangler) saveWranglerLog(wrangler);
    throw error;
  } finally {
    for (const stop of stopPulling) stop();
    heap?.close();
    await wrangler?.stop();
    await receiver.close();
  }
}

const results = {
  started_at: new Date().toISOString(),
  config,
  machine: {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    loadavg_before: loadavg(),
  },
};
const budgetMs =
  (config.warmupSeconds + config.steadySeconds + config.deliveryTimeoutSeconds + 300) * 1000;
const watchdog = setTimeout(() => {
  console.log(`# load test still running after ${budgetMs / 1000} s; stopping`);
  console.log("# pass 0\n# fail 1");
  process.exit(2);
}, budgetMs);
watchdog.unref();

let passed = false;
try {
  passed = await main(results);
} catch (error) {
  results.failed = error.message;
  console.log(`# load test failed: ${error.stack ?? error.message}`);
}
results.machine.loadavg_after = loadavg();
results.passed = passed;
const dir = join(root, "test-results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "load.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(passed ? "# pass 1\n# fail 0" : "# pass 0\n# fail 1");
process.exit(passed ? 0 : 1);
