#!/usr/bin/env node
// Browser test runner: applies migrations into a throw-away state directory, starts `wrangler dev`
// on a free port against it, waits for /healthz, runs test/browser/*.test.mjs with `node --test`
// (TAP output, so `# pass N` / `# fail N` reach the log), then stops wrangler's whole process group
// whatever happened. Exits non-zero when anything failed.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
// wrangler needs Node >= 22; the project ships one in node_modules (SPEC §1).
const localNode = join(root, "node_modules", "node", "bin", "node");
const nodeBin = existsSync(localNode) ? localNode : process.execPath;
const wranglerBin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
const READY_TIMEOUT_MS = 90_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion, returning its exit code and combined output. */
function run(args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(nodeBin, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
    if (options.timeoutMs) setTimeout(() => child.kill("SIGKILL"), options.timeoutMs).unref();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let wrangler = null;
let wranglerExited = false;
let wranglerLog = "";
let stateDir = null;

async function stopWrangler() {
  if (!wrangler || wranglerExited) return;
  const group = -wrangler.pid;
  try {
    process.kill(group, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 50 && !wranglerExited; i++) await sleep(100);
  try {
    process.kill(group, "SIGKILL"); // stragglers (workerd, esbuild) of the same group
  } catch {
    // already gone
  }
}

async function cleanup() {
  await stopWrangler();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

async function waitForHealth(baseUrl) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (wranglerExited) throw new Error("wrangler dev exited before it was ready");
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer ${baseUrl}/healthz within ${READY_TIMEOUT_MS} ms`);
}

async function main() {
  stateDir = mkdtempSync(join(tmpdir(), "switchboard-browser-"));
  const migrate = await run(
    [wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir],
    { timeoutMs: 120_000 },
  );
  if (migrate.code !== 0) {
    console.error(migrate.output);
    throw new Error("applying D1 migrations failed");
  }

  const port = await freePort();
  const inspectorPort = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // detached: wrangler leads its own process group, so one kill reaches workerd and esbuild too.
  wrangler = spawn(
    nodeBin,
    [
      wranglerBin,
      "dev",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      stateDir,
      "--show-interactive-dev-session=false",
      "--var",
      "API_KEY_PEPPER:browser-test-pepper-0123456789abcdef",
      "--var",
      "ENVIRONMENT:development",
      "--var",
      "ALLOW_PRIVATE_WEBHOOK_URLS:true",
      "--var",
      "SIGNUP:open",
    ],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  wrangler.stdout.on("data", (chunk) => {
    wranglerLog += chunk;
  });
  wrangler.stderr.on("data", (chunk) => {
    wranglerLog += chunk;
  });
  wrangler.on("exit", () => {
    wranglerExited = true;
  });

  await waitForHealth(baseUrl);
  console.log(`# wrangler dev ready at ${baseUrl} (state in ${stateDir})`);

  const files = readdirSync(here)
    .filter((name) => name.endsWith(".test.mjs"))
    .sort()
    .map((name) => join(here, name));
  const tests = spawn(
    nodeBin,
    ["--test", "--test-reporter=tap", "--test-timeout=120000", ...files],
    { cwd: root, env: { ...env, BASE_URL: baseUrl }, stdio: ["ignore", "inherit", "inherit"] },
  );
  const code = await new Promise((resolve) => tests.on("close", (c) => resolve(c ?? 1)));
  if (code !== 0) {
    console.error("# browser tests failed; last wrangler output:");
    console.error(wranglerLog.split("\n").slice(-40).join("\n"));
  }
  return code;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`# browser test setup failed: ${error.message}`);
  if (wranglerLog) console.error(wranglerLog.split("\n").slice(-40).join("\n"));
} finally {
  await cleanup();
}
process.exit(exitCode);
