import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../helpers";
import { settleAccount } from "../support/ledger";
import { grantNumber, uniqueNumber } from "../support/numbers";
import { type App, liveAccount, liveApp, PUBLIC, sign, twilioFake } from "../support/twilio";
import { type FuzzCase, segment, text } from "./arbitraries";
import { FUZZ_SEED, problemOf, RUNS_PER_OPERATION } from "./run";
import { difference, snapshot } from "./snapshot";
import { operations, propertiesOf, sample } from "./spec";

/**
 * Twilio's callbacks with Twilio configured, so the fuzz reaches past "not configured": signed
 * (mostly correctly) form bodies whose fields are sampled from the document's schema and then
 * replaced with garbage, against a live account with a real number, message and call.
 */
const carrierOps = operations.filter((op) => op.template.startsWith("/carrier/"));

interface Callback {
  path: string;
  params: [string, string][];
  signature: "valid" | "wrong" | "none";
  contentType: string;
}

describe("fuzz: Twilio callbacks, configured", () => {
  let app: App;
  let accountId: string;
  let ids: Record<string, string>;
  let count = 0;
  const statuses = new Map<number, number>();
  let sid: string;
  beforeAll(async () => {
    sid = `SM${Date.now()}`;
    const fake = await twilioFake({ sid, status: "queued" }, 201);
    app = liveApp(fake);
    const account = await liveAccount(app);
    accountId = account.accountId;
    const number = uniqueNumber();
    await grantNumber(accountId, number, true);
    const send = (path: string, body: unknown) =>
      app.fetch(path, { bearer: account.live, json: body });
    const message = await json(await send("/v1/messages", { to: uniqueNumber(), body: "hi" }));
    const phoneCall = await json(await send("/v1/calls", { to: uniqueNumber() }));
    ids = { account_id: accountId, message_id: message.id, call_id: phoneCall.id, number };
  }, 60_000);

  for (const op of carrierOps) {
    it(op.key, { timeout: 60_000 }, async () => {
      const schema = op.body?.schema;
      const fields = schema ? propertiesOf(schema) : [];
      const valid = () => {
        const sampled = (schema ? sample(schema) : {}) as Record<string, unknown>;
        const params = Object.fromEntries(
          Object.entries(sampled).map(([name, value]) => [name, String(value)]),
        );
        // Inbound messages arrive to our number; status callbacks are about sends from it.
        const ours = op.template.endsWith("/inbound") ? "To" : "From";
        if (ours in params) params[ours] = ids.number as string;
        for (const name of ["MessageSid", "SmsSid", "CallSid"])
          if (name in params) params[name] = sid;
        return params;
      };
      const param = (name: string) =>
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(ids[name] ?? "x") },
          { weight: 2, arbitrary: text },
        );
      const arbitrary: fc.Arbitrary<Callback> = fc.record({
        path: fc
          .tuple(...(op.pathParams.length ? op.pathParams.map(param) : [fc.constant("")]))
          .map((values) => {
            let i = 0;
            return op.template.replace(/\{[^}]+\}/g, () => segment(values[i++] ?? ""));
          }),
        params: fc
          .array(
            fc.tuple(
              fields.length ? fc.oneof(fc.constantFrom(...fields), text) : text,
              fc.oneof(text, fc.constantFrom("completed", "delivered", "-1", "1e308", "NaN")),
            ),
            { maxLength: 4 },
          )
          .map((changes) => {
            const params = valid();
            for (const [name, value] of changes) params[name] = value;
            return Object.entries(params);
          }),
        signature: fc.oneof(
          { weight: 8, arbitrary: fc.constant<"valid">("valid") },
          { weight: 1, arbitrary: fc.constantFrom<"wrong" | "none">("wrong", "none") },
        ),
        contentType: fc.oneof(
          { weight: 8, arbitrary: fc.constant("application/x-www-form-urlencoded") },
          { weight: 1, arbitrary: fc.constantFrom("application/json", "text/plain", "") },
        ),
      });
      const seed = [...op.key].reduce(
        (h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0,
        FUZZ_SEED,
      );
      const problems: string[] = [];
      let before = await snapshot([accountId]);
      for (const c of fc.sample(arbitrary, { seed, numRuns: RUNS_PER_OPERATION })) {
        count++;
        // Twilio signs the decoded form; a form cannot carry lone surrogates, so sign what is sent.
        const form = new URLSearchParams(c.params);
        const signed = Object.fromEntries(new URLSearchParams(form.toString()));
        const headers: Record<string, string> = c.contentType
          ? { "content-type": c.contentType }
          : {};
        if (c.signature !== "none")
          headers["x-twilio-signature"] =
            c.signature === "valid" ? sign(`${PUBLIC}${c.path}`, signed) : "bm9wZQ==";
        const response = await app.fetch(c.path, {
          method: "POST",
          headers,
          body: form.toString(),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problem = await problemOf({ method: "POST" } as FuzzCase, response);
        const described = JSON.stringify(c).slice(0, 500);
        if (problem) problems.push(`${problem} <- ${described}`);
        if (response.status >= 400) {
          const after = await snapshot([accountId]);
          const changed = difference(before, after);
          if (changed.added.length || changed.removed.length)
            problems.push(
              `rejected but changed ${JSON.stringify(changed).slice(0, 600)} <- ${described}`,
            );
          before = after;
        } else {
          await settleAccount(accountId);
          before = await snapshot([accountId]);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  afterAll(() => {
    const byStatus = [...statuses]
      .sort(([x], [y]) => x - y)
      .map(([status, n]) => `${status}: ${n}`);
    console.log(`fuzz cases run (Twilio callbacks, configured): ${count} (${byStatus.join(", ")})`);
  });
});
