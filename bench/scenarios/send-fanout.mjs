// send-fanout (issue 9, SPEC §10 "fan-out is off the request path"): the request time of
// `POST /v1/messages` for an account with 100 subscribed endpoints against one with 1. Sequential
// sends alternate between the two accounts, and each waits (bounded) until the previous send's
// deliveries (message.sent, then, if subscribed, the simulated carrier's message.delivered,
// CARRIER_DELAY_MS later) have all arrived: every request starts on a quiet machine, so its time is the request
// path's own work, not the background delivery of earlier sends competing for the same cores.
import { fmt, sleep, summarize } from "../lib.mjs";
import {
  deliveryLog,
  describeDeliveries,
  sendOne,
  subscribe,
  subscribesReceipts,
} from "./messages.mjs";

export async function benchSendFanout(ctx) {
  const { sends, warmup, endpoints: many, pauseMs } = ctx.config.sendFanout;
  ctx.log(`send-fanout: ${sends} sends each to 1 and ${many} endpoints, each on a quiet machine`);
  const prefix = "/i9/sf/";
  const sides = [];
  for (const count of [1, many]) {
    const { api } = await ctx.freshAccount(`send-fanout-${count}`);
    await subscribe(ctx, api, count, (index) => `${prefix}${count}/${index}`);
    sides.push({ endpoints: count, api, times: [] });
  }
  await ctx.receiver.reset();
  const log = deliveryLog(ctx, prefix);
  let expected = 0;
  let failures = 0;
  let quietTimeouts = 0;
  for (let i = 0; i < (warmup + sends) * 2; i++) {
    ctx.assertAlive();
    const side = sides[i % 2];
    const send = await sendOne(side.api, "fanout");
    if (!send.ok) {
      failures += 1;
      ctx.log(`send-fanout: a send answered ${send.status}`);
      if (failures > Math.max(2, sends * 0.1)) throw new Error("too many failed sends");
      continue;
    }
    if (i >= warmup * 2) side.times.push(send.ms);
    expected += side.endpoints;
    // Quiet gate: this send's deliveries (and their receipts) before the next request, then a
    // pause for the work that follows a delivery (the endpoint objects' bookkeeping).
    const settled =
      (await log.waitFor("message.sent", expected, 30_000)) &&
      (!subscribesReceipts(ctx) || (await log.waitFor("message.delivered", expected, 30_000)));
    if (!settled) quietTimeouts += 1;
    await sleep(pauseMs);
  }
  const deliveries = await log.settle(expected);
  const results = sides.map((side) => ({
    endpoints: side.endpoints,
    sends: side.times.length,
    request_ms: summarize(side.times),
  }));
  const [one, hundred] = results;
  const p50Ratio = hundred.request_ms.p50 / one.request_ms.p50;
  return {
    warmup,
    pause_ms: pauseMs,
    send_failures: failures,
    quiet_gate_timeouts: quietTimeouts,
    sides: results,
    p50_ratio: p50Ratio,
    p99_ratio: hundred.request_ms.p99 / one.request_ms.p99,
    mean_ratio: hundred.request_ms.mean / one.request_ms.mean,
    target_ratio: 1.5,
    meets_target: p50Ratio <= 1.5,
    deliveries,
  };
}

export function reportSendFanout(r, out) {
  out();
  out(
    `send-fanout. POST /v1/messages request time, sequential, alternating between an account with 1 and one with ${r.sides[1].endpoints} endpoints;`,
  );
  out(
    `   each send waits for the previous one's deliveries + ${r.pause_ms} ms (quiet machine); after ${r.warmup} warm-up sends each`,
  );
  for (const side of r.sides) {
    out(
      `   ${String(side.endpoints).padStart(3)} endpoint(s): ${side.sends} sends, p50 ${fmt(side.request_ms.p50, 2)} ms, p99 ${fmt(side.request_ms.p99, 2)} ms, mean ${fmt(side.request_ms.mean, 2)} ms`,
    );
  }
  out(
    `   => ${r.sides[1].endpoints} / 1: p50 x${fmt(r.p50_ratio, 2)}, p99 x${fmt(r.p99_ratio, 2)}, mean x${fmt(r.mean_ratio, 2)} (target p50 <= x1.5: ${r.meets_target ? "MET" : "NOT MET"})`,
  );
  const d = r.deliveries;
  out(
    `   deliveries: ${describeDeliveries(d)}${r.quiet_gate_timeouts ? `; quiet gate timed out ${r.quiet_gate_timeouts} time(s)` : ""}`,
  );
}
