import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";

const GARBAGE_BODIES: unknown[] = [
  { x: [1, { y: null }] },
  null,
  { url: "💥".repeat(3000), events: "all", to: { nested: true }, body: ["x"], since: -1, type: 7 },
];

const spec = (await (
  await exports.default.fetch("https://switchboard.test/openapi.json")
).json()) as {
  paths: Record<string, Record<string, unknown>>;
};
const operations = Object.entries(spec.paths).flatMap(([template, methods]) =>
  Object.keys(methods).map((method) => ({ template, method: method.toUpperCase() })),
);

/**
 * Every operation the API documents, called with garbage ids, bodies and query strings by a
 * valid admin session and a valid test key: nothing may answer 5xx (other than a deliberate
 * 503 not_configured), and every error has the §9 shape.
 */
describe("no input produces a 500", () => {
  it("covers a meaningful number of operations", () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it.each(operations)("$method $template", { timeout: 60_000 }, async ({ template, method }) => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const failures: string[] = [];
    for (const filler of ["slug", "a".repeat(300)]) {
      const path = template.replace(/\{[^}]+\}/g, filler === "slug" ? admin.slug : filler);
      for (const body of method === "GET" ? [undefined] : GARBAGE_BODIES) {
        // The session tries every body; the API key (other auth path) the first one.
        const auths =
          body === GARBAGE_BODIES[0] || body === undefined
            ? [{ cookie: admin.cookie }, { bearer: key }]
            : [{ cookie: admin.cookie }];
        for (const auth of auths) {
          const response = await call(`${path}?limit=abc&cursor=%27&since=no`, {
            method,
            ...(body === undefined ? {} : { body }),
            ...auth,
          });
          let code: string | undefined;
          if (response.status >= 400 && response.headers.get("content-type")?.includes("json")) {
            const error = (await json(response)).error;
            code = error?.code;
            if (!error?.code || !error?.message)
              failures.push(`${method} ${template}: not the §9 shape`);
          } else {
            await response.arrayBuffer();
          }
          // 503 not_configured is a deliberate answer (e.g. carrier callbacks without Twilio).
          const deliberate = response.status === 503 && code === "not_configured";
          if (response.status >= 500 && !deliberate)
            failures.push(`${method} ${template} -> ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
