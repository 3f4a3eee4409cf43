// Deliveries under load: what each webhook endpoint should have received (the account's own
// events, listed through GET /v1/events, of the types the endpoint subscribes to) against what the
// loopback receiver saw, first receipt per event id per endpoint.
import { sleep } from "../../bench/lib.mjs";

/** Collects the receiver's log: per receiver path, the event ids answered 2xx, and duplicates. */
export function deliveryLog(receiver) {
  const byPath = new Map();
  let duplicates = 0;
  return {
    byPath,
    get duplicates() {
      return duplicates;
    },
    async pull() {
      for (const entry of await receiver.take()) {
        if (entry.status >= 300 || !entry.id) continue;
        let ids = byPath.get(entry.path);
        if (!ids) {
          ids = new Set();
          byPath.set(entry.path, ids);
        }
        if (ids.has(entry.id)) duplicates += 1;
        ids.add(entry.id);
      }
    },
  };
}

/** Every event of the key's account (newest first, every page). */
async function listEvents(api) {
  const events = [];
  let cursor = null;
  for (let page = 0; page < 10_000; page++) {
    const query = cursor ? `&cursor=${cursor}` : "";
    const body = await api.expect("GET", `/v1/events?limit=100${query}`, undefined, 200);
    events.push(...body.data);
    if (!body.has_more) break;
    cursor = body.next_cursor;
  }
  return events;
}

/**
 * What is still missing: for every account and endpoint, the events of a subscribed type the
 * receiver has not seen at that endpoint's path. Also checks that the carrier's receipts have all
 * been applied (one `message.delivered` per accepted send), so "nothing missing" is final.
 */
async function missingDeliveries(accounts, log) {
  let expected = 0;
  let received = 0;
  let receiptsPending = 0;
  const missingByType = {};
  for (const account of accounts) {
    const events = await listEvents(account.api);
    const delivered = events.filter((event) => event.type === "message.delivered").length;
    receiptsPending += Math.max(0, account.messages.length - delivered);
    for (const endpoint of account.endpoints) {
      const seen = log.byPath.get(endpoint.path) ?? new Set();
      for (const event of events) {
        if (!endpoint.events.includes(event.type)) continue;
        expected += 1;
        if (seen.has(event.id)) received += 1;
        else missingByType[event.type] = (missingByType[event.type] ?? 0) + 1;
      }
    }
  }
  return { expected, received, receiptsPending, missingByType };
}

/**
 * Waits (bounded by `timeoutMs`) until every expected delivery has arrived and every receipt has
 * been applied. Returns the last count with `complete`, `duplicates` and `waitedMs`.
 */
export async function awaitDeliveries(accounts, log, { timeoutMs, intervalMs = 1000 }) {
  const start = performance.now();
  let state;
  for (;;) {
    await log.pull();
    state = await missingDeliveries(accounts, log);
    const complete = state.received === state.expected && state.receiptsPending === 0;
    if (complete || performance.now() - start >= timeoutMs) {
      return {
        ...state,
        complete,
        duplicates: log.duplicates,
        waitedMs: performance.now() - start,
      };
    }
    await sleep(intervalMs);
  }
}
