import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { operations } from "../fuzz/spec";
import { type CallOptions, call } from "../helpers";
import { freshAdminSession, type Ids, renew, type Tenant, tenant } from "../support/world";
import { pathFor, ROUTES, type RouteEntry } from "./routes";

/**
 * The isolation matrix, generated from the route table (routes.ts) and the OpenAPI document: for
 * every authenticated operation, every way of reaching someone else's object must be 404 (never
 * 403: existence does not leak), members are refused admin routes, and the one legitimate way
 * down the tree (an ancestor's credential with `Switchboard-Account`) works.
 *
 * The tree: org A with sub-accounts S and S2 (siblings), and an unrelated account B.
 */
interface Credential {
  label: string;
  auth: Pick<CallOptions, "cookie" | "bearer">;
  /** Which of a tenant's objects this credential's mode sees. */
  mode: "test" | "live";
}

function credentials(t: Tenant, entry: RouteEntry): Credential[] {
  const session: Credential = { label: "admin session", auth: { cookie: t.admin }, mode: "live" };
  const key: Credential = { label: "test key", auth: { bearer: t.testKey }, mode: "test" };
  if (entry.access === "session") return [session];
  if (entry.testKeyOnly) return [key];
  return [session, key];
}

let a: Tenant;
let s: Tenant;
let s2: Tenant;
let b: Tenant;
beforeAll(async () => {
  a = await tenant();
  s = await tenant(a.account);
  s2 = await tenant(a.account);
  b = await tenant();
}, 60_000);

const as = (t: Tenant) => ({ "switchboard-account": t.account.accountId });
const covered = new Set<string>();
let cases = 0;

async function statusOf(
  op: (typeof operations)[number],
  entry: RouteEntry,
  target: Tenant,
  credential: Credential,
  headers: Record<string, string> = {},
  renewed: Partial<Ids> = {},
) {
  const ids = { ...(credential.mode === "test" ? target.test : target.live), ...renewed };
  const response = await call(pathFor(op.template, entry, ids), {
    method: op.method,
    ...(entry.body ? { body: entry.body(ids, target.url) } : {}),
    ...credential.auth,
    headers,
  });
  cases++;
  const text = await response.text();
  if (response.status >= 400) {
    const error = (JSON.parse(text) as { error: { code: string } }).error;
    return `${response.status} ${error.code}`;
  }
  return response.status >= 200 && response.status < 300 ? "2xx" : `${response.status}`;
}

describe("the route table", () => {
  it("has an entry for every operation of the document, and no entry without one", () => {
    const documented = operations.map((op) => op.key).sort();
    expect(documented.filter((key) => !ROUTES[key])).toEqual([]);
    expect(Object.keys(ROUTES).filter((key) => !documented.includes(key))).toEqual([]);
  });

  it("the document lists every API route the router serves", () => {
    const documented = new Set(operations.map((op) => op.key));
    const served = createApp()
      .routes.filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`)
      // The dashboard's pages and static assets are HTML for people, not API operations.
      .filter((key) => /^\S+ \/(v1|carrier|\{slug\}\/integrations|healthz|openapi)/.test(key));
    expect([...new Set(served)].filter((key) => !documented.has(key))).toEqual([]);
  });

  it("states the document's public operations (they carry no credential to isolate)", () => {
    const publicOps = operations.filter((op) => op.public).map((op) => op.key);
    const tablePublic = Object.entries(ROUTES)
      .filter(([, entry]) => entry.access === "public")
      .map(([key]) => key);
    expect(publicOps.sort()).toEqual(tablePublic.sort());
  });
});

describe("isolation matrix", () => {
  for (const op of operations) {
    const entry = ROUTES[op.key];
    if (!entry || entry.access === "public") continue;
    it(op.key, { timeout: 30_000 }, async () => {
      const refused: [string, string][] = [];
      const expectStatus = async (
        label: string,
        wanted: string,
        ...args: Parameters<typeof statusOf> extends [unknown, unknown, ...infer R] ? R : never
      ) => {
        const got = await statusOf(op, entry, ...args);
        if (!got.startsWith(wanted)) refused.push([label, `${got} (wanted ${wanted})`]);
      };
      for (const credential of credentials(b, entry)) {
        if (entry.ids)
          await expectStatus(`B's ${credential.label} on A's ids`, "404 not_found", a, credential);
      }
      if (entry.modeScoped && entry.access === "any" && !entry.testKeyOnly) {
        const live = { label: "live key", auth: { bearer: a.liveKey }, mode: "test" } as const;
        const test = { label: "test key", auth: { bearer: a.testKey }, mode: "live" } as const;
        await expectStatus("A's live key on A's test ids", "404 not_found", a, live);
        await expectStatus("A's test key on A's live ids", "404 not_found", a, test);
      }
      if (entry.adminOnly) {
        const member = {
          label: "member",
          auth: { cookie: a.member.cookie },
          mode: "live",
        } as const;
        await expectStatus("A's member session", "403 forbidden", a, member);
      }
      for (const credential of credentials(s, entry)) {
        if (entry.ids) {
          await expectStatus(
            `S's ${credential.label} on A's ids (upward)`,
            "404 not_found",
            a,
            credential,
          );
        }
        await expectStatus(
          `S's ${credential.label} naming A, on A's ids`,
          "404 not_found",
          a,
          credential,
          as(a),
        );
        await expectStatus(
          `S's ${credential.label} naming S2, on S2's ids`,
          "404 not_found",
          s2,
          credential,
          as(s2),
        );
      }
      for (const credential of credentials(s2, entry)) {
        if (entry.ids) {
          await expectStatus(
            `S2's ${credential.label} on S's ids (sideways)`,
            "404 not_found",
            s,
            credential,
          );
        }
      }
      // Last, as it may delete or rotate what it names: the ancestor reaches down.
      for (const original of credentials(a, entry)) {
        const consumed = entry.consumes;
        const credential =
          consumed === "session"
            ? { ...original, auth: { cookie: await freshAdminSession(a) } }
            : original;
        const renewed =
          consumed && consumed !== "session"
            ? { [consumed]: await renew(s, consumed, credential.mode) }
            : {};
        await expectStatus(
          `A's ${credential.label} acting in S`,
          "2xx",
          s,
          credential,
          as(s),
          renewed,
        );
      }
      expect(refused).toEqual([]);
      covered.add(op.key);
    });
  }
});

describe("coverage", () => {
  it("every operation that takes a credential went through the matrix", () => {
    const all = operations.length;
    const publicOps = operations.filter((op) => ROUTES[op.key]?.access === "public").length;
    console.log(
      `isolation routes covered ${covered.size} out of all ${all} operations (${publicOps} public, no credential to isolate); ${cases} requests`,
    );
    expect(covered.size).toBe(all - publicOps);
  });
});
