// latency (issue 9, SPEC §10 "created-to-received latency p50 ≤ 100 ms with no backlog, p50 and
// p99 under a burst"): one account, one endpoint subscribed to the message events. Spaced: one
// send at a time, a new one every `spacingMs`. Burst: `burstSends` sends at `burstConcurrency`.
// The latency is measured from the send request's start to the receipt of its `message.sent` (the
// envelope's `created_at` has whole-millisecond precision and, once the ledger lands, may be taken
// after the request; the created_at figure is shown as context).
import { fmt, now, sleep, summarize } from "../lib.mjs";
import { deliveryLog, sendMany, sendOne, sentLatencies, subscribe } from "./messages.mjs";

const WARMUP = 5;

export async function benchLatency(ctx) {
  const { spacedSends, spacingMs, burstSends, burstConcurrency } = ctx.config.latency;
  ctx.log(
    `latency: ${spacedSends} sends every ${spacingMs} ms, then a burst of ${burstSends} at concurrency ${burstConcurrency}`,
  );
  const { api } = await ctx.freshAccount("latency");
  const prefix = "/i9/lat/";
  await subscribe(ctx, api, 1, () => `${prefix}0`);
  await ctx.receiver.reset();
  const log = deliveryLog(ctx, prefix);
  const warm = await sendMany(ctx, () => api, WARMUP, 1, "latency-warmup");
  let accepted = warm.sends.length;
  await log.settle(accepted);

  const spaced = [];
  let spacedFailures = 0;
  for (let i = 0; i < spacedSends; i++) {
    const due = now() + spacingMs;
    const send = await sendOne(api, "latency");
    if (send.ok) spaced.push(send);
    else spacedFailures += 1;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
  }
  accepted += spaced.length;
  const spacedDeliveries = await log.settle(accepted);

  const burst = await sendMany(ctx, () => api, burstSends, burstConcurrency, "burst");
  accepted += burst.sends.length;
  const burstStart = burst.sends.reduce((min, send) => Math.min(min, send.start), Infinity);
  const burstEnd = burst.sends.reduce((max, send) => Math.max(max, send.end), 0);
  const burstDeliveries = await log.settle(accepted);

  const describe = (sends, deliveries) => {
    const { fromSend, fromCreated } = sentLatencies(log, sends);
    return {
      sends: sends.length,
      request_ms: summarize(sends.map((send) => send.ms)),
      send_to_received_ms: summarize(fromSend),
      created_to_received_ms: summarize(fromCreated),
      deliveries,
    };
  };
  const spacedResult = { ...describe(spaced, spacedDeliveries), failures: spacedFailures };
  return {
    spacing_ms: spacingMs,
    burst_concurrency: burstConcurrency,
    spaced: spacedResult,
    burst: {
      ...describe(burst.sends, burstDeliveries),
      failures: burst.failures,
      accept_per_second: (burst.sends.length / (burstEnd - burstStart)) * 1000,
    },
    target_p50_ms: 100,
    meets_target: spacedResult.send_to_received_ms.p50 <= 100,
  };
}

export function reportLatency(r, out) {
  out();
  out(
    "latency. send request start -> message.sent received (1 endpoint; created_at -> received as context)",
  );
  const row = (name, x) =>
    out(
      `   ${name.padEnd(34)} send->received p50 ${fmt(x.send_to_received_ms.p50, 1).padStart(7)} ms  p99 ${fmt(x.send_to_received_ms.p99, 1).padStart(8)} ms | created->received p50 ${fmt(x.created_to_received_ms.p50, 1)} / p99 ${fmt(x.created_to_received_ms.p99, 1)} ms | request p50 ${fmt(x.request_ms.p50, 1)} / p99 ${fmt(x.request_ms.p99, 1)} ms | received ${x.send_to_received_ms.n}/${x.sends}`,
    );
  row(`no backlog (${r.spaced.sends} sends, every ${r.spacing_ms} ms)`, r.spaced);
  row(`burst (${r.burst.sends} sends, c=${r.burst_concurrency})`, r.burst);
  out(
    `   => no-backlog p50 target <= 100 ms: ${r.meets_target ? "MET" : "NOT MET"}; burst accepted at ${fmt(r.burst.accept_per_second, 1)} sends/s`,
  );
}
