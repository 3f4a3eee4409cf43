// API clients for the crash-restart test: each loop sends one change at a time (a message, or a
// contact or a call now and then) with an Idempotency-Key, and like a real client retries the
// same request with the same key after a network error, a 5xx or a 429 (through a kill and the
// restart) until it gets an answer. Only a 2xx is an acknowledgement; a later 2xx for the same
// key must carry the same id.
import { sleep } from "../../e2e/lib/wrangler.mjs";

const ATTEMPT_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 150;
const RETRY_MAX_MS = 1_000;
const CONTACT_SHARE = 0.15;
const CALL_SHARE = 0.1;

/**
 * The shared record of every change the clients tried. `ops` maps an Idempotency-Key to
 * `{ key, kind, account, path, body, attempts, ids: Set, status: "pending"|"acked"|"rejected" }`.
 */
export function createLedger() {
  return {
    ops: new Map(),
    /** Answers by status code (and "network" for no answer), over all attempts. */
    answers: new Map(),
    /** Non-retryable 4xx answers and other surprises, each a line for the report. */
    problems: [],
  };
}

let phoneCounter = 0;
/** Unique per run (`runTag` is three digits, 2-9 first): contacts are unique by phone. */
const nextPhone = (runTag) => `+1${runTag}${String(phoneCounter++).padStart(7, "0")}`;

function newOp(clientId, seq, account, random, runTag) {
  const key = `chaos-${runTag}-${clientId}-${seq}`;
  const draw = random();
  if (draw < CALL_SHARE) {
    return { key, kind: "call", account, path: "/v1/calls", body: { to: "+15555550124" } };
  }
  if (draw < CALL_SHARE + CONTACT_SHARE) {
    return {
      key,
      kind: "contact",
      account,
      path: "/v1/contacts",
      body: { phone: nextPhone(runTag), name: key },
    };
  }
  return {
    key,
    kind: "message",
    account,
    path: "/v1/messages",
    body: { to: "+15555550123", body: `chaos ${key}`, custom_id: key },
  };
}

async function attempt(baseUrl, op) {
  try {
    const response = await fetch(`${baseUrl}${op.path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${op.account.key}`,
        ...op.account.headers,
        "content-type": "application/json",
        "idempotency-key": op.key,
      },
      body: JSON.stringify(op.body),
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    const text = await response.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body };
  } catch (error) {
    return { status: "network", error: String(error?.cause?.code ?? error?.name ?? error) };
  }
}

const retryable = (status) => status === "network" || status === 429 || status >= 500;

/** Drives one op to an answer (or until `control.deadline`); records everything in `ledger`. */
async function settle(baseUrl, op, ledger, control) {
  op.attempts = 0;
  op.ids = new Set();
  op.status = "pending";
  ledger.ops.set(op.key, op);
  while (Date.now() < control.deadline) {
    op.attempts++;
    const result = await attempt(baseUrl, op);
    const label = result.status === "network" ? "network" : String(result.status);
    ledger.answers.set(label, (ledger.answers.get(label) ?? 0) + 1);
    if (typeof result.status === "number" && result.status >= 200 && result.status < 300) {
      op.ids.add(result.body?.id);
      op.status = "acked";
      // A retried key is asked once more now and then: it must answer the same id again.
      if (op.attempts > 1 || control.random() < 0.05) {
        const again = await attempt(baseUrl, op);
        if (again.status >= 200 && again.status < 300) op.ids.add(again.body?.id);
      }
      return;
    }
    if (!retryable(result.status)) {
      op.status = "rejected";
      ledger.problems.push(
        `${op.key}: ${op.path} answered ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`,
      );
      return;
    }
    if (typeof result.status === "number") {
      const code = result.body?.error?.code ?? "?";
      const label5xx = `${result.status} ${code}`;
      ledger.answers.set(label5xx, (ledger.answers.get(label5xx) ?? 0) + 1);
    }
    await sleep(RETRY_MIN_MS + Math.floor(control.random() * (RETRY_MAX_MS - RETRY_MIN_MS)));
  }
}

/**
 * Starts `count` client loops over `accounts` (round-robin). `control.sending` pauses and resumes
 * new changes, `control.stop` ends the loops after their current change is answered;
 * `control.deadline` bounds every retry. Returns a promise for all loops.
 */
export function startClients({ baseUrl, accounts, count, ledger, control, runTag }) {
  const loops = [];
  for (let clientId = 0; clientId < count; clientId++) {
    const account = accounts[clientId % accounts.length];
    loops.push(
      (async () => {
        for (let seq = 0; !control.stop; ) {
          if (!control.sending) {
            await sleep(50);
            continue;
          }
          await settle(
            baseUrl,
            newOp(clientId, seq++, account, control.random, runTag),
            ledger,
            control,
          );
        }
      })(),
    );
  }
  return Promise.all(loops);
}
