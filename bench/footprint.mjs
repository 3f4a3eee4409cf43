// Resource footprint of the local runtime during a scenario: the bytes the endpoint objects'
// SQLite files take on disk, and the resident memory of the workerd processes (sampled).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Total size of every file under `dir` (0 when it does not exist yet). */
export function dirBytes(dir) {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

/** The files directly under `dir` (names), to tell a new object's files from the old ones. */
export function fileNames(dir) {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

/** Bytes of the files under `dir` that were not there before (one new object's SQLite + WAL). */
export function newFilesBytes(dir, before) {
  let total = 0;
  for (const name of fileNames(dir)) {
    if (!before.has(name)) total += dirBytes(join(dir, name)) || statSize(join(dir, name));
  }
  return total;
}

function statSize(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Where wrangler dev keeps one Durable Object class's SQLite files inside --persist-to. */
export function objectStorageDir(stateDir, className) {
  const base = join(stateDir, "v3", "do");
  try {
    const match = readdirSync(base).find((name) => name.endsWith(`-${className}`));
    return match ? join(base, match) : join(base, `switchboard-${className}`);
  } catch {
    return join(base, `switchboard-${className}`);
  }
}

/**
 * Resident memory of the workerd processes, in MiB (Linux /proc). All of them by default; with
 * `processGroup` only those in that group (one wrangler dev's own, when others run on the machine).
 */
export function workerdRssMiB({ processGroup = null } = {}) {
  let kib = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes("workerd")) continue;
      if (processGroup !== null && processGroupOf(pid) !== processGroup) continue;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // the process ended while being read
    }
  }
  return Math.round((kib / 1024) * 10) / 10;
}

/** The process group id from /proc/<pid>/stat (field 5; the command name before it may hold spaces). */
function processGroupOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

/** Samples workerd's memory every `intervalMs` until stopped; returns start, peak and end. */
export function sampleMemory(intervalMs = 250) {
  const start = workerdRssMiB();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, workerdRssMiB());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const end = workerdRssMiB();
      return { start_mib: start, peak_mib: Math.max(peak, end), end_mib: end };
    },
  };
}
