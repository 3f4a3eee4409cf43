#!/usr/bin/env node
// End-to-end test runner: starts `wrangler dev` against a throw-away state directory with
// compressed delivery timings (test/e2e/lib/wrangler.mjs), runs test/e2e/*.e2e.mjs with
// `node --test` (TAP output, so `# pass N` / `# fail N` reach the log), then stops wrangler's
// whole process group whatever happened. Exits non-zero when anything failed.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeBin, quietEnv, root, startWrangler } from "./lib/wrangler.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const TESTS_TIMEOUT_MS = 300_000;

async function main() {
  const wrangler = await startWrangler({
    label: "e2e",
    vars: {
      ALLOW_PRIVATE_WEBHOOK_URLS: "true",
      SIGNUP: "open",
      SIGNUPS_PER_HOUR_PER_IP: "1000000",
      FAILED_RETRY_INTERVAL_MS: "1000",
      RETRY_BASE_MS: "200",
      WEBHOOK_TIMEOUT_MS: "5000",
      ENDPOINT_MAX_IN_FLIGHT: "1",
    },
  });
  try {
    console.log(`# wrangler dev ready at ${wrangler.baseUrl} (state in ${wrangler.stateDir})`);
    const files = readdirSync(here)
      .filter((name) => name.endsWith(".e2e.mjs"))
      .sort()
      .map((name) => join(here, name));
    const tests = spawn(
      nodeBin,
      ["--test", "--test-reporter=tap", "--test-timeout=120000", ...files],
      {
        cwd: root,
        env: { ...quietEnv, BASE_URL: wrangler.baseUrl },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    const timer = setTimeout(() => tests.kill("SIGKILL"), TESTS_TIMEOUT_MS);
    const code = await new Promise((resolve) => tests.on("close", (c) => resolve(c ?? 1)));
    clearTimeout(timer);
    if (code !== 0) {
      console.error("# e2e tests failed; last wrangler output:");
      console.error(wrangler.log(60));
    }
    return code;
  } finally {
    await wrangler.stop();
  }
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`# e2e setup failed: ${error.message}`);
}
process.exit(exitCode);
