// The crash-restart test's verdict, from the API and the receivers' records: every acknowledged
// change exists, every existing change has its events, every event reached every subscribed
// endpoint at least once (same webhook-id: at-least-once), and nothing exists under two ids.
const PAGE_TIMEOUT_MS = 15_000;
/** Events per account whose per-endpoint delivery status is read back (GET /v1/events/{id}). */
const STATUS_SAMPLE = 30;

/** The event types each change must end up with (test keys: simulated carrier, delivered). */
export const EXPECTED_TYPES = {
  message: ["message.sent", "message.delivered"],
  contact: ["contact.created"],
  call: ["phone_call.completed"],
};
const RESOURCE_PATH = { message: "/v1/messages", contact: "/v1/contacts", call: "/v1/calls" };
export const SUBSCRIBED_TYPES = [...new Set(Object.values(EXPECTED_TYPES).flat())];

/** `account`: `{ key, headers }`; a sub-account is its parent's key plus Switchboard-Account. */
async function getJson(baseUrl, account, path) {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${account.key}`, ...account.headers },
    signal: AbortSignal.timeout(PAGE_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 404) {
    throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return { status: response.status, body: response.ok ? JSON.parse(text) : null };
}

async function listAll(baseUrl, account, path) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 10_000; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const query = `${path}${sep}limit=100${cursor ? `&cursor=${cursor}` : ""}`;
    const { body } = await getJson(baseUrl, account, query);
    items.push(...body.data);
    if (!body.has_more) return items;
    cursor = body.next_cursor;
  }
  throw new Error(`${path}: more pages than expected`);
}

/** Everything the API holds for one account's test mode. */
export async function snapshotAccount(baseUrl, account) {
  const [messages, contacts, calls, events] = await Promise.all([
    listAll(baseUrl, account, RESOURCE_PATH.message),
    listAll(baseUrl, account, RESOURCE_PATH.contact),
    listAll(baseUrl, account, RESOURCE_PATH.call),
    listAll(baseUrl, account, "/v1/events"),
  ]);
  return { messages, contacts, calls, events };
}

const pushTo = (map, key, value) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/**
 * Counts over all accounts. `lost`: acknowledged changes that do not exist, events an existing
 * change lacks, and (event, endpoint) pairs never delivered. `split`: a key answered with two ids,
 * one key stored as two changes, or one (change, type) under two event ids in the API or at a
 * receiver. `missing` lists what is lost or split, for the failure message.
 */
export async function verify({ baseUrl, accounts, ledger, receivers }) {
  const result = {
    acknowledged: 0,
    delivered: 0,
    lost: 0,
    split: 0,
    stuck: 0,
    missing: [],
    existing: 0,
    perAccount: [],
  };
  const received = receivers.flatMap((receiver) => receiver.requests);
  const deliveredPairs = new Set(
    received.filter((r) => r.delivered).map((r) => `${r.endpoint} ${r.webhookId}`),
  );
  const note = (kind, line) => {
    result[kind]++;
    if (result.missing.length < 40) result.missing.push(`${kind}: ${line}`);
  };

  for (const account of accounts) {
    const { messages, contacts, calls, events } = await snapshotAccount(baseUrl, account);
    const existing = new Map([...messages, ...contacts, ...calls].map((item) => [item.id, item]));
    result.existing += existing.size;
    result.perAccount.push(`${account.name}=${existing.size}`);

    // Every acknowledged change exists, under the one id its key was answered with.
    for (const op of ledger.ops.values()) {
      if (op.account !== account || op.status !== "acked") continue;
      result.acknowledged++;
      if (op.ids.size !== 1) note("split", `${op.key} answered ids ${[...op.ids].join(", ")}`);
      for (const id of op.ids) {
        if (existing.has(id)) continue;
        const path = `${RESOURCE_PATH[op.kind]}/${id}`;
        if ((await getJson(baseUrl, account, path)).status === 404) {
          note("lost", `${op.key} was acknowledged as ${id}, which does not exist`);
        }
      }
    }

    // One key, one change: the key is the message's custom_id and the contact's name.
    const byKey = new Map();
    for (const m of messages) if (m.custom_id) pushTo(byKey, m.custom_id, m.id);
    for (const c of contacts) if (c.name) pushTo(byKey, c.name, c.id);
    for (const [key, ids] of byKey) {
      if (ids.length > 1) note("split", `key ${key} is stored as ${ids.join(", ")}`);
    }
    // A call carries no field for the key, so count: no more calls than keys tried.
    const callKeys = [...ledger.ops.values()].filter(
      (op) => op.account === account && op.kind === "call",
    ).length;
    if (calls.length > callKeys) note("split", `${calls.length} calls from ${callKeys} keys`);

    // Every existing change has each of its events exactly once.
    const eventsOf = new Map();
    for (const event of events) {
      if (SUBSCRIBED_TYPES.includes(event.type)) {
        pushTo(eventsOf, `${event.data?.id} ${event.type}`, event.id);
      }
    }
    const expect = (id, types) => {
      for (const type of types) {
        const ids = eventsOf.get(`${id} ${type}`) ?? [];
        if (ids.length === 0) note("lost", `${id} has no ${type} event`);
        if (ids.length > 1) note("split", `${id} ${type} exists as ${ids.join(", ")}`);
      }
    };
    for (const m of messages) expect(m.id, EXPECTED_TYPES.message);
    for (const c of contacts) expect(c.id, EXPECTED_TYPES.contact);
    for (const c of calls) expect(c.id, EXPECTED_TYPES.call);

    // Every event reached every endpoint of its account at least once; an endpoint created
    // during the run owes every event created after its 201.
    for (const event of events) {
      if (!SUBSCRIBED_TYPES.includes(event.type)) continue;
      for (const endpoint of account.endpoints) {
        const since = account.since?.get(endpoint);
        if (since !== undefined && Date.parse(event.created_at) <= since) continue;
        if (deliveredPairs.has(`${endpoint} ${event.id}`)) result.delivered++;
        else
          note("lost", `${event.id} (${event.type} ${event.data?.id}) never reached ${endpoint}`);
      }
    }

    // The product's own bookkeeping agrees: nothing pending, and a sample of events reads as
    // delivered at every endpoint. Only checked once nothing is lost, as it lags deliveries.
    if (result.lost === 0) await checkBookkeeping(baseUrl, account, events, note);
  }

  // At the receivers too, one (change, type) arrives under one webhook-id, and that id is the
  // event's own id.
  const webhookIds = new Map();
  for (const r of received) {
    if (r.webhookId !== r.eventId)
      note("split", `webhook-id ${r.webhookId} carried event ${r.eventId}`);
    const key = `${r.resourceId} ${r.type}`;
    const ids = webhookIds.get(key) ?? new Set();
    ids.add(r.webhookId);
    webhookIds.set(key, ids);
  }
  for (const [key, ids] of webhookIds) {
    if (ids.size > 1) note("split", `${key} arrived as ${[...ids].join(", ")}`);
  }
  return result;
}

/** `stuck`: an endpoint still counting pending events, or an event not `delivered` somewhere. */
async function checkBookkeeping(baseUrl, account, events, note) {
  for (const id of account.endpointIds) {
    const { body } = await getJson(baseUrl, account, `/v1/webhooks/${id}`);
    if (body?.pending_count !== 0 || body?.status !== "active") {
      note("stuck", `endpoint ${id} is ${body?.status} with ${body?.pending_count} pending`);
    }
  }
  const sample = events.filter((e) => SUBSCRIBED_TYPES.includes(e.type));
  const step = Math.max(1, Math.floor(sample.length / STATUS_SAMPLE));
  for (let i = 0; i < sample.length; i += step) {
    const { body } = await getJson(baseUrl, account, `/v1/events/${sample[i].id}`);
    for (const delivery of body?.deliveries ?? []) {
      if (delivery.state !== "delivered") {
        note("stuck", `${sample[i].id} is ${delivery.state} at ${delivery.endpoint_id}`);
      }
    }
  }
}
