// Memory of the worker under load, sampled on a timer: the resident set of wrangler dev's workerd
// processes (bench/footprint.mjs reads /proc) and the worker isolate's JS heap as it stands
// (./heap.mjs), with a fitted trend of each. Both are context in the report; the check itself is
// the heap after a full GC (run.mjs).
import { workerdRssMiB } from "../../bench/footprint.mjs";

/**
 * Samples every `intervalMs`: `{ t, rss_mib, heap_mib }` with `t` in seconds since `origin`
 * (performance.now()), `rss_mib` the workerd processes in `processGroup` (one wrangler dev's own)
 * and `heap_mib` from `heap` (connectHeap; null when a read fails).
 */
export function startMemorySampler({ processGroup, heap, intervalMs, origin }) {
  const samples = [];
  let heapErrors = 0;
  const take = async () => {
    const t = (performance.now() - origin) / 1000;
    const rss = workerdRssMiB({ processGroup });
    let heapMiB = null;
    try {
      heapMiB = await heap.heapMiB();
    } catch {
      heapErrors += 1;
    }
    samples.push({ t, rss_mib: rss, heap_mib: heapMiB });
  };
  let last = take();
  const timer = setInterval(() => {
    last = last.then(take);
  }, intervalMs);
  return {
    samples,
    get heapErrors() {
      return heapErrors;
    },
    /** One more sample now (after the previous one). */
    take: () => {
      last = last.then(take);
      return last;
    },
    async stop() {
      clearInterval(timer);
      last = last.then(take);
      await last;
      return samples;
    },
  };
}

/**
 * Least-squares line of `key` over `t`: `{ slope, se, at(t) }`, slope and its standard error in
 * MiB per second (null with fewer than 4 points).
 */
export function fitLine(points, key) {
  const n = points.length;
  if (n < 4) return null;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / n;
  const meanV = points.reduce((sum, p) => sum + p[key], 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p[key] - meanV);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = meanV - slope * meanT;
  let residuals = 0;
  for (const p of points) residuals += (p[key] - intercept - slope * p.t) ** 2;
  const se = Math.sqrt(residuals / (n - 2) / sxx);
  return { slope, se, at: (t) => intercept + slope * t };
}

/**
 * Growth of `key` over the steady phase [`fromS`, `toS`] (seconds on the samples' clock; the
 * warm-up before it has paid for start-up, compilation and the first SQLite pages). A line is
 * fitted through every sample of the phase, so one GC more or less at either end moves it
 * little. `warm` and `end` are the line at the phase's start and end; `grows` needs both: `end`
 * above `warm` by more than `maxGrowth` (a fraction) and a slope that is positive by more than
 * twice its standard error (a trend, not GC noise). A garbage-collected heap that is merely high,
 * or that spikes once, passes.
 */
export function growth(samples, key, { fromS, toS, maxGrowth }) {
  const points = samples.filter((s) => s[key] !== null && s[key] !== undefined);
  const steady = points.filter((s) => s.t >= fromS && s.t <= toS);
  const line = fitLine(steady, key);
  const warm = line ? line.at(fromS) : null;
  const end = line ? line.at(toS) : null;
  const ratio = line && warm > 0 ? end / warm - 1 : null;
  const trend = line !== null && line.slope - 2 * line.se > 0;
  const r1 = (value) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    start_mib: points[0]?.[key] ?? null,
    warm_mib: r1(warm),
    end_mib: r1(end),
    last_mib: steady.at(-1)?.[key] ?? null,
    peak_mib: points.length ? Math.max(...points.map((s) => s[key])) : null,
    growth: ratio,
    slope_mib_per_minute: line ? line.slope * 60 : null,
    slope_se_mib_per_minute: line ? line.se * 60 : null,
    max_growth: maxGrowth,
    samples_in_steady_phase: steady.length,
    measured: line !== null,
    grows: ratio !== null && ratio > maxGrowth && trend,
  };
}
