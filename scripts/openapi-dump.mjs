#!/usr/bin/env node
// Writes the worker's own /openapi.json to a file (default test-results/openapi.json) so the
// OpenAPI linters check exactly what a client downloads. The document is served by the real
// runtime (the shared `wrangler dev` lifecycle), not rebuilt by a second code path in Node.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { root, startWrangler } from "../test/e2e/lib/wrangler.mjs";

const out = resolve(root, process.argv[2] ?? "test-results/openapi.json");
const wrangler = await startWrangler({ label: "openapi" });
let code = 1;
try {
  const response = await fetch(`${wrangler.baseUrl}/openapi.json`);
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  const doc = await response.json();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`# wrote ${out} (${Object.keys(doc.paths ?? {}).length} paths)`);
  code = 0;
} catch (error) {
  console.error(`# openapi dump failed: ${error.message}`);
} finally {
  await wrangler.stop();
}
process.exit(code);
