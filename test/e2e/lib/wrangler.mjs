// Shared `wrangler dev` lifecycle for the end-to-end tests and the benchmark (same approach as
// test/browser/run.mjs): apply the D1 migrations into a throw-away --persist-to directory, start
// `wrangler dev` on free ports as the leader of its own process group, wait for /healthz, and on
// stop kill the whole group (wrangler, workerd, esbuild) and delete the temporary directory.
//
// By default the worker runs from a snapshot: `wrangler deploy --dry-run` bundles src/ once into
// the temporary directory and `wrangler dev --no-bundle` serves that bundle with a copy of
// wrangler.toml. Editing src/ while a run is in progress then cannot rebuild and restart the worker
// mid-request (wrangler dev has no switch to stop watching). `snapshot: false` serves src/ directly.
//
// The crash-restart test (test/chaos) passes its own `workDir`: state, bundle and config live
// there and survive `stop()` and `kill()`, so a second startWrangler on the same `workDir` reuses
// the snapshot and the migrated state instead of rebuilding (a restart of the same deployment).
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// wrangler needs Node >= 22; the project ships one in node_modules (SPEC §1).
const localNode = join(root, "node_modules", "node", "bin", "node");
export const nodeBin = existsSync(localNode) ? localNode : process.execPath;
const wranglerBin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");

export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export const TEST_PEPPER = "e2e-test-pepper-0123456789abcdef-0123456789";
const READY_TIMEOUT_MS = 90_000;
const MIGRATE_TIMEOUT_MS = 120_000;
const LOG_LIMIT = 200_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function freePort() {
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

/** Runs a node script to completion (bounded), returning its exit code and combined output. */
export function runNode(args, { timeoutMs = MIGRATE_TIMEOUT_MS, env = quietEnv } = {}) {
  return new Promise((resolve) => {
    const child = spawn(nodeBin, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    timer.unref();
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/**
 * Bundles the worker into `dir/bundle` and writes `dir/wrangler.toml`: the project's config with
 * `main` pointing at the bundle and `migrations_dir` made absolute. The dry run also runs the
 * `[build]` command (the browser bundle, scripts/build-client.mjs); its output is copied to
 * `dir/public` and the snapshot's `[assets]` points there, without `[build]`, so nothing is
 * rebuilt while a run is in progress. Returns the config's path.
 */
async function snapshotWorker(dir) {
  const bundleDir = join(dir, "bundle");
  const build = await runNode([wranglerBin, "deploy", "--dry-run", "--outdir", bundleDir]);
  if (build.code !== 0 || !existsSync(join(bundleDir, "index.js"))) {
    throw new Error(
      `bundling the worker failed:\n${build.output.split("\n").slice(-30).join("\n")}`,
    );
  }
  const publicDir = join(dir, "public");
  cpSync(join(root, "build", "public"), publicDir, { recursive: true });
  const original = readFileSync(join(root, "wrangler.toml"), "utf8");
  const mainLine = /^main\s*=.*$/m;
  if (!mainLine.test(original)) throw new Error("wrangler.toml has no top-level `main` line");
  const buildTable = /^\[build\]\n(?:(?!\[)[^\n]*\n)*/m;
  const assetsDirectory = /^(\[assets\]\n(?:(?!\[)[^\n]*\n)*?directory\s*=\s*)"[^"]*"/m;
  if (!assetsDirectory.test(original)) throw new Error("wrangler.toml has no [assets] directory");
  const config = original
    .replace(mainLine, `main = ${JSON.stringify(join(bundleDir, "index.js"))}`)
    .replace(buildTable, "")
    .replace(assetsDirectory, (_, head) => `${head}${JSON.stringify(publicDir)}`)
    .replace(
      /^(\s*migrations_dir\s*=\s*)"([^"]*)"/gm,
      (_, head, relative) => `${head}${JSON.stringify(resolve(root, relative))}`,
    );
  const configPath = join(dir, "wrangler.toml");
  writeFileSync(configPath, config);
  return configPath;
}

const running = new Set();
let handlersInstalled = false;

/** Ctrl-C or a kill of the runner still takes every wrangler it started down with it. */
function installSignalHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, async () => {
      await Promise.all([...running].map((instance) => instance.stop()));
      process.exit(130);
    });
  }
  // Last resort on a synchronous exit: no awaiting possible, so SIGKILL the groups directly.
  process.on("exit", () => {
    for (const instance of running) instance.killNow();
  });
}

/**
 * Starts `wrangler dev` with the given `--var` overrides ({NAME: value}). Returns
 * `{ baseUrl, port, inspectorPort, stateDir, pid, exited, log(), stop(), kill() }`. `stop()` is idempotent and never throws.
 *
 * `workDir` (optional): a directory kept across runs instead of a throw-away one; the first start
 * bundles and migrates into it, later starts reuse both. `port` (optional) fixes the HTTP port,
 * so clients keep one URL across restarts. `kill()` SIGKILLs the whole process group (a crash:
 * no graceful shutdown) and waits for it to be gone; it never deletes a `workDir`.
 */
export async function startWrangler({
  vars = {},
  label = "e2e",
  host = "127.0.0.1",
  snapshot = true,
  workDir = null,
  port: fixedPort = null,
  logLevel = process.env.SWITCHBOARD_WRANGLER_LOG_LEVEL ?? "warn",
  // Internal (see startStandaloneWorker): serve this self-contained config instead of the app.
  standaloneConfig = null,
} = {}) {
  installSignalHandlers();
  const keepDir = workDir !== null;
  if (keepDir) mkdirSync(workDir, { recursive: true });
  const tempDir = keepDir ? workDir : mkdtempSync(join(tmpdir(), `switchboard-${label}-`));
  const stateDir = join(tempDir, "state");
  const removeDir = () => {
    if (!keepDir) rmSync(tempDir, { recursive: true, force: true });
  };
  let child = null;
  let exited = false;
  let log = "";
  const append = (chunk) => {
    log += chunk;
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT / 2);
  };

  const instance = {
    baseUrl: "",
    port: 0,
    stateDir,
    log: (lines = 40) => log.split("\n").slice(-lines).join("\n"),
    get exited() {
      return exited;
    },
    /** The wrangler process's pid, also its process group's id (workerd runs in that group). */
    get pid() {
      return child?.pid ?? null;
    },
    /** wrangler's devtools proxy port (ws://127.0.0.1:<port>/ws reaches the worker's isolate). */
    inspectorPort: 0,
    killNow() {
      if (child && !exited) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      removeDir();
    },
    async kill() {
      running.delete(instance);
      if (!child) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      for (let i = 0; i < 100 && !exited; i++) await sleep(50);
    },
    async stop() {
      running.delete(instance);
      if (child && !exited) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        try {
          process.kill(-child.pid, "SIGKILL"); // stragglers (workerd, esbuild) of the same group
        } catch {
          // already gone
        }
      }
      removeDir();
    },
  };
  running.add(instance);

  try {
    const snapshotConfig = join(tempDir, "wrangler.toml");
    const configArgs = standaloneConfig
      ? ["--config", standaloneConfig]
      : snapshot
        ? [
            "--config",
            keepDir && existsSync(snapshotConfig) ? snapshotConfig : await snapshotWorker(tempDir),
          ]
        : [];
    // A kept work directory is migrated once; the marker is written only after success.
    const migratedMarker = join(tempDir, "migrated");
    const migrate =
      standaloneConfig || (keepDir && existsSync(migratedMarker))
        ? { code: 0 }
        : await runNode([
            wranglerBin,
            "d1",
            "migrations",
            "apply",
            "DB",
            "--local",
            "--persist-to",
            stateDir,
            ...configArgs,
          ]);
    if (migrate.code !== 0) {
      append(migrate.output);
      throw new Error("applying D1 migrations failed");
    }
    if (keepDir) writeFileSync(migratedMarker, new Date().toISOString());
    const port = fixedPort ?? (await freePort());
    const inspectorPort = await freePort();
    const allVars = standaloneConfig
      ? vars
      : { API_KEY_PEPPER: TEST_PEPPER, ENVIRONMENT: "development", ...vars };
    const varArgs = Object.entries(allVars).flatMap(([name, value]) => [
      "--var",
      `${name}:${value}`,
    ]);
    // detached: wrangler leads its own process group, so one kill reaches workerd and esbuild too.
    child = spawn(
      nodeBin,
      [
        wranglerBin,
        "dev",
        "--ip",
        host,
        "--port",
        String(port),
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        stateDir,
        "--show-interactive-dev-session=false",
        "--log-level",
        logLevel,
        ...configArgs,
        ...(snapshot || standaloneConfig ? ["--no-bundle"] : []),
        ...varArgs,
      ],
      { cwd: root, env: quietEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    child.on("exit", () => {
      exited = true;
    });
    instance.port = port;
    instance.inspectorPort = inspectorPort;
    instance.baseUrl = `http://${host}:${port}`;
    await waitForHealth(instance);
    return instance;
  } catch (error) {
    const tail = instance.log();
    await instance.stop();
    error.message = `${error.message}\n--- wrangler output ---\n${tail}`;
    throw error;
  }
}

/**
 * Starts a small self-contained worker (a `wrangler.toml` whose `main` needs no bundling, e.g. the
 * benchmark's fetch-ceiling worker) with the same `wrangler dev` flags, lifecycle and clean-up as
 * the app: same workerd, same local proxy, its own ports and temporary state. No D1 migrations and
 * no app vars; the worker must answer `GET /healthz` with a 2xx. Same return value as startWrangler.
 */
export function startStandaloneWorker({ configPath, label = "worker", vars = {}, ...rest }) {
  return startWrangler({ ...rest, label, vars, standaloneConfig: configPath });
}

async function waitForHealth(instance) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (instance.exited) throw new Error("wrangler dev exited before it was ready");
    try {
      const response = await fetch(`${instance.baseUrl}/healthz`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer /healthz within ${READY_TIMEOUT_MS} ms`);
}
