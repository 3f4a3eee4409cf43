#!/usr/bin/env node
// Docs test: every ```sh block of README.md and docs/*.md runs, in order per file, in one bash
// (`set -euo pipefail`, so a failing command fails its block) against a fresh `wrangler dev` with
// its own empty state and the same vars `npm start` uses (.dev.vars.example). BASE points at that
// server. Blocks marked `no-test` (see blocks.mjs) are reported as skipped. Prints TAP ending in
// `# pass N` / `# fail M`, which scripts/test-summary.mjs adds to CI's closing line.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { quietEnv, root, startWrangler } from "../e2e/lib/wrangler.mjs";
import { shellBlocks } from "./blocks.mjs";

const FILE_TIMEOUT_MS = 90_000;
const MARK = "@@docs-block-done";

// `node test/docs/run.mjs docs/api.md` runs one file while you edit it.
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        "README.md",
        ...readdirSync(join(root, "docs"))
          .filter((name) => name.endsWith(".md"))
          .sort()
          .map((name) => `docs/${name}`),
      ];

/** The vars `npm start` gets from .dev.vars (copied from the example), minus comments. */
function devVars() {
  const vars = {};
  for (const line of readFileSync(join(root, ".dev.vars.example"), "utf8").split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) vars[match[1]] = match[2];
  }
  return vars;
}

/** One bash script per file: each block, then a marker line saying it finished. */
function script(blocks, baseUrl) {
  const parts = ["set -euo pipefail", "exec 2>&1", `export BASE=${JSON.stringify(baseUrl)}`];
  blocks.forEach((block, index) => {
    parts.push(block.code, `printf '\\n${MARK} %d\\n' ${index}`);
  });
  return `${parts.join("\n")}\n`;
}

/** Runs the script as the leader of its own process group; background receivers die with it. */
function runBash(path, cwd) {
  return new Promise((resolve) => {
    const child = spawn("bash", [path], {
      cwd,
      env: { ...quietEnv, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const append = (chunk) => {
      output += chunk;
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    const killGroup = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, FILE_TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      killGroup();
      // Give the pipe a moment to deliver what was already written.
      setTimeout(() => resolve({ code, signal, output }), 100);
    });
  });
}

let number = 0;
let passed = 0;
let failed = 0;
let skipped = 0;
const tap = (ok, description, directive = "") =>
  console.log(`${ok ? "ok" : "not ok"} ${++number} - ${description}${directive}`);
const diagnose = (text) => {
  for (const line of text.trimEnd().split("\n").slice(-40)) console.log(`#   ${line}`);
};
// DOCS_TEST_VERBOSE=1 also prints what passing blocks printed, to read the answers.

async function testFile(file) {
  const blocks = shellBlocks(readFileSync(join(root, file), "utf8"));
  const runnable = blocks.filter((block) => block.skip === null);
  const name = (block) => `${file}:${block.line}`;
  console.log(`# ${file}: ${blocks.length} sh blocks, ${runnable.length} to run`);
  for (const block of blocks.filter((b) => b.skip !== null)) {
    skipped++;
    tap(true, name(block), ` # SKIP ${block.skip}`);
  }
  if (runnable.length === 0) return;

  const workDir = join(root, "test-results", "docs", basename(file, ".md"));
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  let wrangler;
  try {
    wrangler = await startWrangler({ label: "docs", vars: devVars() });
  } catch (error) {
    for (const block of runnable) {
      failed++;
      tap(false, `${name(block)} (server did not start)`);
    }
    diagnose(error.message);
    return;
  }
  try {
    const path = join(workDir, "run.sh");
    writeFileSync(path, script(runnable, wrangler.baseUrl));
    const { code, signal, output } = await runBash(path, workDir);
    // Split the output at the markers: block i's output runs up to its marker.
    const segments = output.split(new RegExp(`\\n${MARK} (\\d+)\\n`));
    runnable.forEach((block, index) => {
      const done = segments[2 * index + 1] === String(index);
      if (done) {
        passed++;
        tap(true, name(block));
        if (process.env.DOCS_TEST_VERBOSE) diagnose(segments[2 * index] ?? "");
        return;
      }
      failed++;
      const reached = segments.length === 2 * index + 1;
      tap(false, reached ? name(block) : `${name(block)} (not reached)`);
      if (reached) {
        console.log(`#   exit ${code ?? signal}; output of the block:`);
        diagnose(segments[2 * index] ?? "");
      }
    });
  } finally {
    await wrangler.stop();
  }
}

console.log("TAP version 13");
const started = Date.now();
for (const file of files) await testFile(file);
console.log(`1..${number}`);
console.log(`# tests ${number}`);
console.log(`# pass ${passed}`);
console.log(`# fail ${failed}`);
console.log(`# skipped ${skipped}`);
console.log(`# duration_ms ${Date.now() - started}`);
process.exit(failed === 0 ? 0 : 1);
