// accounts (issue 9, SPEC §10 "costs grow linearly: … number of accounts"): the cost per event
// when the same number of sends is spread round-robin over 1, 100 and 1,000 accounts (each with a
// test key and one endpoint subscribed to the message events). The accounts are created once, by
// sign-up (PBKDF2, so slow) at modest concurrency within a time budget; each size uses the first N
// of them, so every size runs against the same stored state. Reports ms per accepted send, the
// delivery rate (first send to last message.sent received) and their growth across the sizes.
import { fmt, now, pool, summarize } from "../lib.mjs";
import { deliveryLog, sendMany, sentLatencies, subscribe } from "./messages.mjs";

const prefix = "/i9/acct/";

async function createAccounts(ctx, count, concurrency, budgetMs) {
  const accounts = [];
  let failures = 0;
  const signupMs = [];
  const endpointMs = [];
  const start = now();
  const deadline = start + budgetMs;
  await pool(count, concurrency, async (index) => {
    if (now() > deadline) return;
    ctx.assertAlive();
    try {
      const t0 = now();
      const { api } = await ctx.freshAccount(`acct-${index}`);
      const t1 = now();
      await subscribe(ctx, api, 1, () => `${prefix}${index}`);
      signupMs.push(t1 - t0);
      endpointMs.push(now() - t1);
      accounts[index] = api;
    } catch (error) {
      failures += 1;
      ctx.log(`accounts: setup of account ${index} failed: ${error.message.slice(0, 200)}`);
      if (failures > Math.max(2, count * 0.05)) throw new Error("too many account setups failed");
    }
  });
  const elapsed = now() - start;
  const created = accounts.filter(Boolean);
  return {
    apis: created,
    setup: {
      requested: count,
      created: created.length,
      failures,
      concurrency,
      budget_ms: budgetMs,
      budget_exceeded: created.length + failures < count,
      total_ms: elapsed,
      accounts_per_second: (created.length / elapsed) * 1000,
      signup_and_key_ms: summarize(signupMs),
      endpoint_ms: summarize(endpointMs),
    },
  };
}

async function runSize(ctx, apis, size, messages, concurrency) {
  ctx.log(`accounts: ${messages} sends round-robin over ${size} account(s)`);
  const log = deliveryLog(ctx, prefix);
  const start = now();
  const { sends, failures } = await sendMany(
    ctx,
    (i) => apis[i % size],
    messages,
    concurrency,
    "acct",
  );
  const acceptMs = now() - start;
  const deliveries = await log.settle(sends.length);
  const received = [...log.sentAt.values()].flat().map((receipt) => receipt.t);
  const last = received.length ? Math.max(...received) : null;
  return {
    accounts: size,
    sends: sends.length,
    send_failures: failures,
    accept_ms: acceptMs,
    ms_per_event: acceptMs / sends.length,
    request_ms: summarize(sends.map((send) => send.ms)),
    send_to_received_ms: summarize(sentLatencies(log, sends).fromSend),
    deliveries_per_second: last === null ? null : (received.length / (last - start)) * 1000,
    deliveries,
  };
}

/**
 * `progress(result)` receives the result so far after the setup and after each size, so a run that
 * fails part-way still reports the sizes that finished.
 */
export async function benchAccounts(ctx, progress = () => {}) {
  const { sizes, messages, concurrency, setupConcurrency, setupBudgetSeconds } =
    ctx.config.accounts;
  const largest = Math.max(...sizes);
  ctx.log(`accounts: creating ${largest} accounts (sign-up concurrency ${setupConcurrency})`);
  await ctx.receiver.reset();
  const { apis, setup } = await createAccounts(
    ctx,
    largest,
    setupConcurrency,
    setupBudgetSeconds * 1000,
  );
  ctx.log(
    `accounts: ${setup.created} created in ${fmt(setup.total_ms / 1000, 1)} s (${fmt(setup.accounts_per_second, 1)}/s)`,
  );
  if (setup.budget_exceeded) {
    ctx.log(
      `accounts: budget of ${setupBudgetSeconds} s exceeded; the sizes are capped at ${setup.created}`,
    );
  }
  await ctx.receiver.reset(); // nothing was sent yet; start the counts clean
  const used = [...new Set(sizes.map((size) => Math.min(size, apis.length)))];
  const results = [];
  const summary = () => ({
    sizes_requested: sizes,
    messages,
    concurrency,
    setup,
    sizes: results,
    growth: results.map((r) => ({
      accounts: r.accounts,
      size_factor: r.accounts / results[0].accounts,
      ms_per_event_factor: r.ms_per_event / results[0].ms_per_event,
      delivery_cost_factor: results[0].deliveries_per_second / r.deliveries_per_second,
    })),
    complete: results.length === used.length && results.every((r) => r.deliveries.complete),
  });
  progress(summary());
  for (const size of used) {
    results.push(await runSize(ctx, apis, size, messages, concurrency));
    progress(summary());
  }
  return summary();
}

export function reportAccounts(r, out) {
  out();
  const s = r.setup;
  out(
    `accounts. ${r.messages} sends (concurrency ${r.concurrency}) spread round-robin over N accounts, 1 key + 1 endpoint each`,
  );
  out(
    `   setup: ${s.created}/${s.requested} accounts in ${fmt(s.total_ms / 1000, 1)} s = ${fmt(s.accounts_per_second, 1)} accounts/s at concurrency ${s.concurrency} (sign-up + key p50 ${fmt(s.signup_and_key_ms.p50, 0)} ms, endpoint p50 ${fmt(s.endpoint_ms.p50, 0)} ms)${s.budget_exceeded ? `; BUDGET of ${fmt(s.budget_ms / 1000, 0)} s EXCEEDED, sizes capped` : ""}`,
  );
  out(
    "   accounts | ms/event (accepted) | request p50 / p99 ms | deliveries/s | send->received p50 / p99 ms | received",
  );
  if (!r.complete) out("   (INCOMPLETE: not every size finished, or not every delivery arrived)");
  for (const x of r.sizes) {
    out(
      `   ${String(x.accounts).padStart(8)} | ${fmt(x.ms_per_event, 3).padStart(19)} | ${`${fmt(x.request_ms.p50, 1)} / ${fmt(x.request_ms.p99, 1)}`.padStart(20)} | ${fmt(x.deliveries_per_second, 1).padStart(12)} | ${`${fmt(x.send_to_received_ms.p50, 0)} / ${fmt(x.send_to_received_ms.p99, 0)}`.padStart(27)} | ${x.deliveries.sent_received}/${x.deliveries.expected}${x.deliveries.complete ? "" : " INCOMPLETE"}`,
    );
  }
  if (r.sizes.length < 2) return;
  out(
    `   growth vs ${r.sizes[0].accounts} account(s): ${r.growth
      .slice(1)
      .map(
        (g) =>
          `x${fmt(g.size_factor, 0)} accounts -> ms/event x${fmt(g.ms_per_event_factor, 2)}, time/delivery x${fmt(g.delivery_cost_factor, 2)}`,
      )
      .join("; ")} (flat = x1)`,
  );
}
