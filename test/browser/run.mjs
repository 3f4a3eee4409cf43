#!/usr/bin/env node
// Browser test runner: starts `wrangler dev` against a throw-away state directory and a snapshot
// bundle of src/ (test/e2e/lib/wrangler.mjs, shared with the e2e runner and the benchmark), runs
// test/browser/*.test.mjs with `node --test` (TAP output, so `# pass N` / `# fail N` reach the
// log), then stops wrangler's whole process group whatever happened. Exits non-zero on failure.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeBin, quietEnv, root, startWrangler } from "../e2e/lib/wrangler.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const TESTS_TIMEOUT_MS = 600_000;

async function main() {
  // `localhost` (not 127.0.0.1): the dashboard's session cookie is `Secure`, which Chromium
  // accepts over plain http only for localhost.
  const wrangler = await startWrangler({
    label: "browser",
    host: "localhost",
    // A short retry base so the delivery health test sees a failure and its retry in seconds.
    // Every browser test signs up from the same loopback address: lift the per-IP limits.
    vars: {
      ALLOW_PRIVATE_WEBHOOK_URLS: "true",
      SIGNUP: "open",
      RETRY_BASE_MS: "300",
      SIGNUPS_PER_HOUR_PER_IP: "1000000",
      LOGIN_ATTEMPTS_PER_MINUTE: "1000000",
    },
  });
  try {
    console.log(`# wrangler dev ready at ${wrangler.baseUrl} (state in ${wrangler.stateDir})`);
    // BROWSER_TESTS=health,layout runs only those files (while working on them).
    const only = process.env.BROWSER_TESTS?.split(",").map((name) => `${name.trim()}.test.mjs`);
    const files = readdirSync(here)
      .filter((name) => name.endsWith(".test.mjs") && (!only || only.includes(name)))
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
      console.error("# browser tests failed; last wrangler output:");
      console.error(wrangler.log(40));
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
  console.error(`# browser test setup failed: ${error.message}`);
}
process.exit(exitCode);
