import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ERROR_STATUS } from "../../src/errors";
import { ORIGIN } from "../helpers";
import { ROUTES } from "../isolation/routes";
import { settleAccount } from "../support/ledger";
import { type Tenant, tenant } from "../support/world";
import { caseFor, type FuzzCase, headerValue, wellFormed } from "./arbitraries";
import { readBackProblem } from "./readback";
import { difference, snapshot } from "./snapshot";
import { type Operation, operations, setSampleUrl } from "./spec";

/** Fixed, so CI replays the same cases; change it to explore, then keep what you find as tests. */
export const FUZZ_SEED = 0x5b0a2d;
/** Cases per operation: 20 keeps the four fuzz files near a minute in all on two cores. */
export const RUNS_PER_OPERATION = 20;

const seedOf = (key: string) =>
  [...key].reduce((hash, ch) => (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0, FUZZ_SEED);

interface World {
  main: Tenant;
  other: Tenant;
  /** A session of main's admin. */
  cookie: string;
  /** The accounts whose objects the "changes nothing" comparison reads. */
  accounts: string[];
}

function requestOf(c: FuzzCase, world: World): Request {
  const headers = new Headers();
  const { main, other } = world;
  const credentials: Record<FuzzCase["auth"], () => void> = {
    admin: () => headers.set("cookie", world.cookie),
    member: () => headers.set("cookie", main.member.cookie),
    otherAccount: () => headers.set("cookie", other.admin),
    testKey: () => headers.set("authorization", `Bearer ${main.testKey}`),
    liveKey: () => headers.set("authorization", `Bearer ${main.liveKey}`),
    badKey: () => headers.set("authorization", "Bearer sk_test_0000000000000000000000000000"),
    none: () => {},
  };
  credentials[c.auth]();
  if (c.origin !== "none")
    headers.set("origin", c.origin === "own" ? ORIGIN : "https://evil.example");
  const acting: Record<FuzzCase["acting"], string | undefined> = {
    none: undefined,
    own: main.account.accountId,
    sub: main.live.account,
    other: other.account.accountId,
    garbage: headerValue(c.actingGarbage),
  };
  const target = acting[c.acting];
  if (target !== undefined) headers.set("switchboard-account", target);
  if (c.idempotencyKey !== null) headers.set("idempotency-key", headerValue(c.idempotencyKey));
  if (c.contentType !== null) headers.set("content-type", c.contentType);
  for (const [name, value] of c.extraHeaders) headers.set(name, headerValue(value));
  const query = new URLSearchParams(c.query.map(([k, v]) => [k, wellFormed(v)])).toString();
  const bodyless = c.method === "GET" || c.method === "HEAD";
  const body =
    bodyless || c.body.kind === "none"
      ? undefined
      : c.body.kind === "raw"
        ? c.body.text
        : JSON.stringify(c.body.value);
  return new Request(`${ORIGIN}${c.path}${query ? `?${query}` : ""}`, {
    method: c.method,
    headers,
    body,
  });
}

const STACK = /\bat \S+ \(|\.ts:\d+|node_modules|TypeError|ReferenceError/;

/** What is wrong with one answer, or nothing (SPEC §9: no 5xx, the error shape, no internals). */
export async function problemOf(c: FuzzCase, response: Response): Promise<string | undefined> {
  const text = await response.text();
  if (response.status < 400 || c.method === "HEAD") return undefined;
  if (STACK.test(text)) return `internals in the body: ${text.slice(0, 200)}`;
  let error: { code?: string; message?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    return `${response.status} is not JSON: ${text.slice(0, 120)}`;
  }
  const code = error?.code as keyof typeof ERROR_STATUS | undefined;
  if (!code || !(code in ERROR_STATUS) || typeof error?.message !== "string")
    return `${response.status} is not the §9 shape: ${text.slice(0, 200)}`;
  if (ERROR_STATUS[code] !== response.status) return `${code} answered ${response.status}`;
  // 503 not_configured is a deliberate answer (Twilio callbacks when Twilio is not set up).
  if (response.status >= 500 && code !== "not_configured") return `${response.status} ${code}`;
  return undefined;
}

const describeCase = (c: FuzzCase) =>
  JSON.stringify({ ...c, body: JSON.stringify(c.body).slice(0, 300) }).slice(0, 600);

let count = 0;
let rejected = 0;
let requestMs = 0;
const statuses = new Map<number, number>();
let snapshotMs = 0;

/**
 * Registers one test per operation in `ops`: RUNS_PER_OPERATION generated requests each, checked
 * for the §9 properties, and for every rejected one, that D1 and the accounts' objects are
 * unchanged. The world (two accounts with one object of each kind) is shared by the file.
 */
export function fuzzOperations(label: string, ops: Operation[]) {
  let world: World;
  beforeAll(async () => {
    const main = await tenant();
    const other = await tenant();
    setSampleUrl(main.url);
    world = {
      main,
      other,
      cookie: main.admin,
      accounts: [main.account.accountId, main.live.account, other.account.accountId],
    };
  }, 60_000);

  // Operations that destroy their target run last, so the others still meet real objects; the
  // log-out (which ends the shared session) very last.
  const rank = (op: Operation) => {
    const consumes = ROUTES[op.key]?.consumes;
    return consumes === "session" ? 2 : consumes ? 1 : 0;
  };
  const ordered = [...ops].sort((x, y) => rank(x) - rank(y));
  for (const op of ordered) {
    it(op.key, { timeout: 60_000 }, async () => {
      const kinds = ROUTES[op.key]?.ids;
      const arbitrary = caseFor(op, kinds, { own: world.main.test, other: world.other.test });
      const cases = fc.sample(arbitrary, { seed: seedOf(op.key), numRuns: RUNS_PER_OPERATION });
      const problems: string[] = [];
      let before = await snapshot(world.accounts);
      for (const c of cases) {
        count++;
        const started = Date.now();
        const request = requestOf(c, world);
        const response = await exports.default.fetch(request.clone());
        requestMs += Date.now() - started;
        const answer = await response.clone().text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problem = await problemOf(c, response);
        if (problem) problems.push(`${problem} <- ${describeCase(c)}`);
        if (response.status >= 400) {
          rejected++;
          const started = Date.now();
          const after = await snapshot(world.accounts);
          snapshotMs += Date.now() - started;
          const changed = difference(before, after);
          if (changed.added.length || changed.removed.length)
            problems.push(
              `rejected (${response.status}) but changed ${JSON.stringify(changed).slice(0, 800)} <- ${describeCase(c)}`,
            );
          before = after;
        } else {
          const mismatch = await readBackProblem(op.template, request, answer);
          if (mismatch) problems.push(`${mismatch} <- ${describeCase(c)}`);
          for (const id of world.accounts) await settleAccount(id);
          before = await snapshot(world.accounts);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it(`ran ${RUNS_PER_OPERATION} cases for each of the ${ops.length} operations (${label})`, () => {
    expect(count).toBe(ops.length * RUNS_PER_OPERATION);
  });
  afterAll(() => {
    const byStatus = [...statuses]
      .sort(([x], [y]) => x - y)
      .map(([status, n]) => `${status}: ${n}`);
    console.log(
      `fuzz cases run (${label}): ${count}, of which rejected: ${rejected} (requests ${requestMs} ms, comparisons ${snapshotMs} ms; ${byStatus.join(", ")})`,
    );
  });
}

/** The authenticated operations, split into `parts` files by position. */
export const authenticatedPart = (part: number, parts: number) =>
  operations.filter((op) => !op.public).filter((_op, i) => i % parts === part);

export const publicOperations = () => operations.filter((op) => op.public);
