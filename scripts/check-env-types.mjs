#!/usr/bin/env node
// `npm run typecheck` starts here: worker-configuration.d.ts must be the Env interface only, and
// current with wrangler.toml. The runtime types come from @cloudflare/workers-types; a file
// regenerated without --include-runtime=false would bring a second, 15,000-line copy of them,
// which tsc accepts silently (skipLibCheck), so this is checked by hand.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeBin, quietEnv, root } from "../test/e2e/lib/wrangler.mjs";

const file = join(root, "worker-configuration.d.ts");
const text = readFileSync(file, "utf8");
if (text.includes("Begin runtime types") || !text.includes("--include-runtime=false")) {
  console.error(
    "worker-configuration.d.ts holds runtime types: regenerate it with `npm run types` (Env only).",
  );
  process.exit(1);
}
const check = spawnSync(
  nodeBin,
  [
    join(root, "node_modules", "wrangler", "bin", "wrangler.js"),
    "types",
    "--strict-vars=false",
    "--env-file",
    ".dev.vars.example",
    "--include-runtime=false",
    "--check",
  ],
  { cwd: root, env: quietEnv, encoding: "utf8" },
);
if (check.status !== 0) {
  console.error(`${check.stdout}${check.stderr}`.trim());
  console.error("worker-configuration.d.ts is out of date: run `npm run types`.");
  process.exit(1);
}
