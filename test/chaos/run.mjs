#!/usr/bin/env node
// Crash-restart test (issue 13, SPEC §6 "nothing lost, one id for life"): `wrangler dev` on a
// persisted state directory with compressed timings, several API clients sending messages,
// contacts and calls with Idempotency-Keys, webhook receivers that fail and recover, and a SIGKILL
// of the whole runtime (wrangler, workerd) at random moments (some during bursts) followed by a
// restart on the same state. Afterwards every acknowledged change must exist, every existing
// change must have its events, every event must have reached every endpoint, and nothing may
// exist under two ids. Prints `chaos: rounds R, acknowledged A / delivered D / lost L / split ids
// S` and TAP-style `# pass` / `# fail` totals; exits non-zero on any loss, split or missing piece.
//
//   node test/chaos/run.mjs [--short] [--rounds N] [--clients N] [--seed S] [--keep]
//                           [--sabotage lose|split]
// CHAOS_ROUNDS and CHAOS_SEED do the same as the flags. `--sabotage` proves the verdict can fail:
// `lose` forgets one delivered webhook at the receiver, `split` stores one key's change twice
// (a second message with the same custom_id under another Idempotency-Key); either must exit 1.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient, newAccountWithTestKey } from "../e2e/lib/api.mjs";
import { freePort, sleep, startWrangler } from "../e2e/lib/wrangler.mjs";
import { createLedger, startClients } from "./lib/clients.mjs";
import { MODES, startChaosReceiver } from "./lib/receivers.mjs";
import { SUBSCRIBED_TYPES, verify } from "./lib/verify.mjs";

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};

const short = flag("--short");
// Burst lengths are [min, max] ms; a kill lands inside a burst or in the quiet after it.
const preset = short
  ? { rounds: 5, accounts: 2, clients: 4, burstMs: [2_000, 4_000], quietMs: [200, 1_500] }
  : { rounds: 8, accounts: 3, clients: 6, burstMs: [5_000, 12_000], quietMs: [300, 3_000] };
const rounds = Number(option("--rounds") ?? process.env.CHAOS_ROUNDS ?? preset.rounds);
const seed = Number(option("--seed") ?? process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const clientCount = Number(option("--clients") ?? preset.clients);
const keep = flag("--keep");
const sabotage = option("--sabotage") ?? null;
const WEBHOOK_TIMEOUT_MS = 1_500;
const CLIENT_FINISH_MS = 60_000;
const SETTLE_MS = short ? 90_000 : 180_000;
const TOTAL_TIMEOUT_MS = short ? 240_000 : 900_000;
const RESTART_TRIES = 3;

const VARS = {
  ALLOW_PRIVATE_WEBHOOK_URLS: "true",
  SIGNUP: "open",
  SIGNUPS_PER_HOUR_PER_IP: "1000000",
  API_KEY_RATE_LIMIT_PER_MINUTE: "1000000",
  FAILED_RETRY_INTERVAL_MS: "1000",
  RETRY_BASE_MS: "200",
  WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
  CARRIER_DELAY_MS: "300",
};

/** mulberry32: a seeded generator, so a failing run can be replayed with --seed. */
function seeded(value) {
  let a = value >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = seeded(seed);
const between = ([min, max]) => min + Math.floor(random() * (max - min));
const pick = (list) => list[Math.floor(random() * list.length)];

const log = (line) => console.log(`# ${line}`);

/** Creates the account's two endpoints (strict order on `a`, a window of 4 on `b`). */
async function addEndpoints(api, account, receivers, { headers = {}, includeSubaccounts = false }) {
  for (const [n, receiver] of receivers.entries()) {
    const endpointKey = `${account.name}-${receiver.name}`;
    const { body: created } = await api.post(
      "/v1/webhooks",
      {
        url: receiver.urlFor(endpointKey),
        events: SUBSCRIBED_TYPES,
        description: `chaos ${endpointKey}`,
        max_in_flight: n === 0 ? 1 : 4,
        ...(n === 0 && includeSubaccounts ? { include_subaccounts: true } : {}),
      },
      { expect: 201, headers },
    );
    account.endpoints.push(endpointKey);
    account.endpointIds.push(created.id);
  }
}

/**
 * `preset.accounts` accounts with a test key and two endpoints each; the first also gets a
 * sub-account (driven with the parent's key and Switchboard-Account) whose events reach its own
 * endpoints and, forwarded up, the parent's `include_subaccounts` endpoint.
 */
async function setUpAccounts(baseUrl, receivers) {
  const accounts = [];
  for (let index = 0; index < preset.accounts; index++) {
    const { api, key, session } = await newAccountWithTestKey(baseUrl, "chaos");
    const account = {
      name: String(index),
      key,
      headers: {},
      endpoints: [],
      endpointIds: [],
      since: new Map(),
    };
    await addEndpoints(api, account, receivers, { includeSubaccounts: index === 0 });
    accounts.push(account);
    if (index !== 0) continue;
    const { body: child } = await session.post(
      "/v1/accounts",
      { name: "chaos sub" },
      { expect: 201 },
    );
    const sub = {
      name: "0s",
      key,
      headers: { "switchboard-account": child.id },
      endpoints: [],
      endpointIds: [],
      since: new Map(),
    };
    await addEndpoints(api, sub, receivers, { headers: sub.headers });
    sub.endpoints.push(account.endpoints[0]);
    accounts.push(sub);
  }
  return accounts;
}

/**
 * Creates one more endpoint while the kills go on, retrying like a client (each try its own URL:
 * POST /v1/webhooks has no Idempotency-Key, so a cut-off try may have created one). From its 201
 * on it must receive every new event of the account: the subscription reached the account object
 * before the answer, or the object's refresh from D1 after a restart heals it.
 */
async function addLateEndpoint(baseUrl, account, receiver, round, control) {
  for (let attempt = 0; Date.now() < control.deadline; attempt++) {
    const endpointKey = `${account.name}-${receiver.name}-r${round}-t${attempt}`;
    try {
      const response = await fetch(`${baseUrl}/v1/webhooks`, {
        method: "POST",
        headers: { authorization: `Bearer ${account.key}`, "content-type": "application/json" },
        body: JSON.stringify({ url: receiver.urlFor(endpointKey), events: SUBSCRIBED_TYPES }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.json().catch(() => null);
      if (response.status === 201) {
        account.since.set(endpointKey, Date.now());
        account.endpoints.push(endpointKey);
        account.endpointIds.push(body.id);
        return;
      }
      if (response.status < 500 && response.status !== 429) {
        throw new Error(`POST /v1/webhooks answered ${response.status}: ${JSON.stringify(body)}`);
      }
    } catch (error) {
      if (String(error.message).startsWith("POST /v1/webhooks")) throw error;
    }
    await sleep(300);
  }
}

/** Tallies the worker's error-level log lines (JSON `level: "error"`) by message, for the report. */
function collectErrors(instance, stats) {
  for (const line of instance.log(100_000).split("\n")) {
    const match = /\{"level":"error","msg":"([^"]*)"/.exec(line);
    if (match) stats.errors.set(match[1], (stats.errors.get(match[1]) ?? 0) + 1);
  }
}

/** Breaks one guarantee on purpose (see the header), after the rounds and before the verdict. */
async function sabotageRun(kind, { baseUrl, accounts, ledger, receivers }) {
  const account = accounts[0];
  if (kind === "lose") {
    // Wait for one delivery to the first endpoint, then forget every record of it.
    for (let i = 0; i < 200; i++) {
      const hit = receivers[0].requests.find(
        (r) => r.delivered && r.endpoint === account.endpoints[0],
      );
      if (hit) {
        const forget = receivers[0].requests.filter(
          (r) => r.endpoint === hit.endpoint && r.webhookId === hit.webhookId,
        );
        for (const r of forget) receivers[0].requests.splice(receivers[0].requests.indexOf(r), 1);
        log(`sabotage: forgot ${hit.webhookId} at ${hit.endpoint}`);
        return;
      }
      await sleep(250);
    }
    throw new Error("sabotage lose: no delivery to forget");
  }
  if (kind === "split") {
    const op = [...ledger.ops.values()].find((o) => o.account === account && o.kind === "message");
    if (!op) throw new Error("sabotage split: no message to duplicate");
    const api = new ApiClient(baseUrl, { key: account.key });
    await api.post("/v1/messages", op.body, {
      expect: 202,
      headers: { ...account.headers, "idempotency-key": `${op.key}-again` },
    });
    log(`sabotage: stored ${op.key} a second time`);
    return;
  }
  throw new Error(`unknown --sabotage ${kind}`);
}

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), "switchboard-chaos-"));
  const port = await freePort();
  const receivers = [
    await startChaosReceiver("a", { hangMs: WEBHOOK_TIMEOUT_MS + 500, random }),
    await startChaosReceiver("b", { hangMs: WEBHOOK_TIMEOUT_MS + 500, random }),
  ];
  const start = () => startWrangler({ label: "chaos", workDir, port, vars: VARS });
  let wrangler = null;
  let ok = false;
  const stats = { kills: 0, duringBurst: 0, unplanned: 0, restartMs: [], errors: new Map() };
  try {
    log(`seed ${seed}, ${rounds} rounds, ${clientCount} clients, state in ${workDir}`);
    wrangler = await start();
    // Registered after wrangler.mjs's own exit handler, which SIGKILLs the groups first: a
    // watchdog exit or Ctrl-C leaves no state directory behind either.
    process.on("exit", () => {
      if (!keep) rmSync(workDir, { recursive: true, force: true });
    });
    const baseUrl = wrangler.baseUrl;
    const accounts = await setUpAccounts(baseUrl, receivers);
    const ledger = createLedger();
    const control = { sending: false, stop: false, deadline: Infinity, random };
    const clients = startClients({
      baseUrl,
      accounts,
      count: clientCount,
      ledger,
      control,
      runTag: String(200 + (seed % 800)),
    });

    const restart = async () => {
      const began = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          wrangler = await start();
          break;
        } catch (error) {
          if (attempt >= RESTART_TRIES) throw error;
          log(`restart attempt ${attempt} failed: ${error.message.split("\n")[0]}`);
          await sleep(1_000);
        }
      }
      stats.restartMs.push(Date.now() - began);
    };
    const crash = async (duringBurst) => {
      collectErrors(wrangler, stats);
      await wrangler.kill();
      stats.kills++;
      if (duringBurst) stats.duringBurst++;
      await sleep(between([0, 500]));
      await restart();
    };

    const lateEndpoints = [];
    for (let round = 1; round <= rounds; round++) {
      if (wrangler.exited) {
        // wrangler dev can die on its own under load; that is one more crash to recover from.
        stats.unplanned++;
        log("wrangler dev had exited on its own; restarting");
        await restart();
      }
      for (const receiver of receivers) receiver.state.mode = pick(MODES);
      const duringBurst = round % 2 === 1 || random() < 0.3;
      const burst = between(preset.burstMs);
      control.sending = true;
      const late = accounts.find((a) => a.name === "1") ?? accounts[0];
      lateEndpoints.push(
        sleep(Math.floor(random() * burst))
          .then(() => addLateEndpoint(baseUrl, late, pick(receivers), round, control))
          .catch((error) => ledger.problems.push(`late endpoint: ${error.message}`)),
      );
      if (duringBurst) {
        const at = Math.floor(burst * (0.3 + 0.6 * random()));
        await sleep(at);
        await crash(true);
        await sleep(Math.max(0, burst - at));
        control.sending = false;
      } else {
        await sleep(burst);
        control.sending = false;
        await sleep(between(preset.quietMs));
        await crash(false);
      }
      const modes = receivers.map((r) => `${r.name}=${r.state.mode}`).join(" ");
      log(
        `round ${round}: killed ${duringBurst ? "during a burst" : "in the quiet"} (${modes}), ` +
          `${ledger.ops.size} changes tried, restart ${stats.restartMs.at(-1)} ms`,
      );
    }

    // Recovery: receivers answer again, clients finish (retrying what the last kill cut off).
    for (const receiver of receivers) receiver.state.mode = "ok";
    control.stop = true;
    control.deadline = Date.now() + CLIENT_FINISH_MS;
    await clients;
    await Promise.all(lateEndpoints);
    if (wrangler.exited) {
      stats.unplanned++;
      await restart();
    }

    if (sabotage) await sabotageRun(sabotage, { baseUrl, accounts, ledger, receivers });
    const settleStarted = Date.now();
    const settleBy = settleStarted + SETTLE_MS;
    let result = await verify({ baseUrl, accounts, ledger, receivers });
    while ((result.lost > 0 || result.stuck > 0) && Date.now() < settleBy) {
      await sleep(2_000);
      if (wrangler.exited) {
        stats.unplanned++;
        await restart();
      }
      result = await verify({ baseUrl, accounts, ledger, receivers });
    }

    const pending = [...ledger.ops.values()].filter((op) => op.status === "pending");
    const answers = [...ledger.answers].map(([k, v]) => `${k}: ${v}`).join(", ");
    const webhooks = receivers.reduce((n, r) => n + r.requests.length, 0);
    log(`answers over all attempts: ${answers}`);
    const late = accounts.flatMap((a) => [...a.since.keys()]);
    log(`endpoints created during the kills: ${late.join(", ")}`);
    log(
      `${stats.kills} kills (${stats.duringBurst} during bursts, ${stats.unplanned} unplanned ` +
        `exits), restarts ${Math.min(...stats.restartMs)}-${Math.max(...stats.restartMs)} ms; ` +
        `${result.existing} changes exist (${result.perAccount.join(" ")}); ` +
        `${webhooks} webhook requests received; ${result.stuck} stuck; ` +
        `settled in ${Date.now() - settleStarted} ms`,
    );
    console.log(
      `chaos: rounds ${rounds}, acknowledged ${result.acknowledged} / delivered ${result.delivered} ` +
        `/ lost ${result.lost} / split ids ${result.split}`,
    );
    collectErrors(wrangler, stats);
    for (const [msg, n] of stats.errors) log(`worker logged ${n}x: ${msg}`);
    for (const line of result.missing) log(line);
    for (const line of ledger.problems.slice(0, 20)) log(`rejected: ${line}`);
    for (const op of pending.slice(0, 20))
      log(`never answered: ${op.key} (${op.attempts} attempts)`);
    ok =
      result.lost === 0 &&
      result.split === 0 &&
      result.stuck === 0 &&
      ledger.problems.length === 0 &&
      pending.length === 0 &&
      result.acknowledged > 0 &&
      stats.kills >= Math.min(rounds, 5);
    if (!ok) {
      console.error("# chaos failed; last wrangler output:");
      console.error(wrangler.log(60));
    }
  } finally {
    await wrangler?.kill();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
  return ok;
}

const watchdog = setTimeout(() => {
  console.error(`# chaos: gave up after ${TOTAL_TIMEOUT_MS} ms`);
  console.log("# pass 0\n# fail 1");
  process.exit(1); // the exit handler of wrangler.mjs SIGKILLs every group still running
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

let passed = false;
try {
  passed = await main();
} catch (error) {
  console.error(`# chaos setup or run failed: ${error.message}`);
}
console.log(passed ? "# pass 1\n# fail 0" : "# pass 0\n# fail 1");
process.exit(passed ? 0 : 1);
