// Shared by the issue 9 scenarios (api, send-fanout, latency, accounts): real sends through
// `POST /v1/messages` and the message.* deliveries they cause at the bench receiver.
//
// Nothing here looks at a send's response `status` (today `sent`, `queued` once the per-account
// ledger lands): a send counts as accepted on any 2xx with an `id`, and a delivery is matched to
// its send by the envelope's `data.id` (the message id).
import { now, pool, sleep, waitUntil } from "../lib.mjs";

/** What the bench endpoints subscribe to unless BENCH_MESSAGE_EVENTS says otherwise. */
export const MESSAGE_EVENTS = [
  "message.sent",
  "message.delivered",
  "message.failed",
  "message.unknown",
];

let toCounter = 0;
/** A distinct valid E.164 number per send (+1555…, never a simulated-carrier magic number). */
export const nextTo = () => `+1555${String(++toCounter).padStart(7, "0")}`;

/** Creates `count` endpoints subscribed to `config.messageEvents`, at the receiver's `pathFor(i)`. */
export async function subscribe(ctx, api, count, pathFor) {
  const endpoints = [];
  await pool(count, 4, async (index) => {
    endpoints[index] = await api.expect(
      "POST",
      "/v1/webhooks",
      { url: ctx.receiver.url(pathFor(index)), events: ctx.config.messageEvents },
      201,
    );
  });
  return endpoints;
}

/** One send: `{ ok, status, id, start, end, ms }` (times in epoch ms). */
export async function sendOne(api, label = "bench") {
  const start = now();
  let response;
  try {
    response = await api.request("POST", "/v1/messages", { to: nextTo(), body: `${label} send` });
  } catch (error) {
    response = { status: 0, body: error.message };
  }
  const end = now();
  const ok = response.status >= 200 && response.status < 300 && Boolean(response.body?.id);
  return {
    ok,
    status: response.status,
    id: ok ? response.body.id : null,
    start,
    end,
    ms: end - start,
  };
}

/**
 * `count` sends, `concurrency` at a time; send `i` goes through `apiFor(i)`. Returns the accepted
 * sends (index order, each with its `index`) and the failure count; throws when more than 5 % fail.
 */
export async function sendMany(ctx, apiFor, count, concurrency, label) {
  const results = new Array(count);
  await pool(count, concurrency, async (index) => {
    ctx.assertAlive();
    results[index] = { index, ...(await sendOne(apiFor(index), label)) };
  });
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) {
    ctx.log(`${failed.length}/${count} sends failed; first answered ${failed[0].status}`);
  }
  if (failed.length > Math.max(1, count * 0.05)) {
    throw new Error(`too many failed sends (${failed.length}/${count})`);
  }
  return { sends: results.filter((result) => result.ok), failures: failed.length };
}

export const subscribesReceipts = (ctx) => ctx.config.messageEvents.includes("message.delivered");

/**
 * Collects the receiver's 2xx deliveries under `prefix` (one scenario's endpoints), first receipt
 * per event id per endpoint. Only one log may be pulling at a time (`take()` empties the receiver).
 */
export function deliveryLog(ctx, prefix) {
  const seen = new Set();
  const counts = new Map();
  /** message id -> its message.sent receipts `{ t, createdAt }`, one per endpoint */
  const sentAt = new Map();
  let duplicates = 0;
  const pull = async () => {
    for (const hit of await ctx.receiver.take()) {
      if (hit.status >= 300 || !hit.path.startsWith(prefix)) continue;
      const key = `${hit.path}|${hit.id}`;
      if (seen.has(key)) {
        duplicates += 1;
        continue;
      }
      seen.add(key);
      counts.set(hit.type, (counts.get(hit.type) ?? 0) + 1);
      if (hit.type === "message.sent") {
        if (!sentAt.has(hit.ref)) sentAt.set(hit.ref, []);
        sentAt.get(hit.ref).push({ t: hit.t, createdAt: hit.createdAt });
      }
    }
  };
  const count = (type) => counts.get(type) ?? 0;
  return {
    pull,
    count,
    sentAt,
    get duplicates() {
      return duplicates;
    },
    /** Waits (bounded) until `expected` deliveries of `type` arrived; true when they all did. */
    async waitFor(type, expected, timeoutMs = ctx.deliveryTimeoutMs(expected)) {
      const done = await waitUntil(
        async () => {
          ctx.assertAlive();
          await pull();
          return count(type) >= expected;
        },
        { timeoutMs, intervalMs: 50 },
      );
      if (!done) {
        ctx.log(
          `timed out after ${timeoutMs} ms with ${count(type)}/${expected} ${type} at ${prefix}`,
        );
      }
      return Boolean(done);
    },
    /**
     * Waits for every `message.sent` delivery (the figure), then, if the endpoints subscribe to
     * them, shorter, for the follow-up `message.delivered` ones (the simulated carrier's receipts,
     * CARRIER_DELAY_MS later) so the next measurement starts on a quiet machine. Returns the
     * delivered/expected summary (`receipts_complete` null when receipts are not subscribed).
     */
    async settle(expected) {
      const complete = await this.waitFor("message.sent", expected);
      const receipts = !subscribesReceipts(ctx)
        ? null
        : complete && (await this.waitFor("message.delivered", expected, 30_000 + expected * 5));
      await sleep(100);
      await pull();
      return {
        expected,
        sent_received: count("message.sent"),
        delivered_received: count("message.delivered"),
        duplicates,
        complete,
        receipts_complete: receipts,
      };
    },
  };
}

/**
 * For each send whose `message.sent` arrived (first receipt): receive time minus the send's request
 * start, and minus the envelope's `created_at` (whole milliseconds, same machine clock).
 */
export function sentLatencies(log, sends) {
  const fromSend = [];
  const fromCreated = [];
  for (const send of sends) {
    const receipts = log.sentAt.get(send.id);
    if (!receipts) continue;
    const first = receipts.reduce((a, b) => (b.t < a.t ? b : a));
    fromSend.push(first.t - send.start);
    if (first.createdAt !== null) fromCreated.push(first.t - first.createdAt);
  }
  return { fromSend, fromCreated };
}

/** "message.sent 100/100, message.delivered 100/100, duplicates 0" for a `settle()` summary. */
export const describeDeliveries = (d) =>
  `message.sent ${d.sent_received}/${d.expected}${d.complete ? "" : " (INCOMPLETE)"}, message.delivered ${d.receipts_complete === null ? "not subscribed" : `${d.delivered_received}/${d.expected}`}, duplicates ${d.duplicates}`;
