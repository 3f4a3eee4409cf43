// Memory of the worker under load, sampled on a timer: the resident set of wrangler dev's workerd
// processes (bench/footprint.mjs reads /proc) and the worker isolate's JS heap (./heap.mjs), and
// a verdict on whether the heap grows with time rather than with GC noise.
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

const median = (values) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const minimum = (values) => (values.length === 0 ? null : Math.min(...values));

/** Least-squares slope of `key` over `t`, in MiB per minute (null with fewer than 3 points). */
export function slopePerMinute(points, key) {
  if (points.length < 3) return null;
  const n = points.length;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / n;
  const meanV = points.reduce((sum, p) => sum + p[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p[key] - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/**
 * Growth of `key` over the steady phase [`fromS`, `toS`] (seconds on the samples' clock): `warm`
 * over the phase's first fifth (after the warm-up, so start-up, compilation and the first SQLite
 * pages are already paid), `end` over its last fifth, each reduced with `reduce` ("min": the low
 * points a GC leaves, for the heap; "median", for RSS), and the slope fitted over the second half.
 * `grows` needs both: `end` above `warm` by more than `maxGrowth` (a fraction) and a positive
 * second-half slope. Either alone is what a garbage-collected heap does anyway: a late GC spike,
 * or a plateau that is high but flat.
 */
export function growth(samples, key, { fromS, toS, maxGrowth, reduce }) {
  const points = samples.filter((s) => s[key] !== null && s[key] !== undefined);
  const span = toS - fromS;
  const steady = points.filter((s) => s.t >= fromS && s.t <= toS);
  const of = (list) => (reduce === "min" ? minimum : median)(list.map((s) => s[key]));
  const warm = of(steady.filter((s) => s.t <= fromS + span / 5));
  const end = of(steady.filter((s) => s.t >= toS - span / 5));
  const slope = slopePerMinute(
    steady.filter((s) => s.t >= fromS + span / 2),
    key,
  );
  const ratio = warm && end !== null ? end / warm - 1 : null;
  const grows = ratio !== null && ratio > maxGrowth && slope !== null && slope > 0;
  return {
    start_mib: points[0]?.[key] ?? null,
    warm_mib: warm,
    end_mib: end,
    peak_mib: points.length ? Math.max(...points.map((s) => s[key])) : null,
    growth: ratio,
    slope_mib_per_minute: slope,
    max_growth: maxGrowth,
    samples_in_steady_phase: steady.length,
    measured: warm !== null && end !== null,
    grows,
  };
}
