// Memory of the worker under load: workerd's resident set (bench/footprint.mjs reads /proc),
// sampled on a timer, and a verdict on whether it grows with time rather than with GC noise.
import { workerdRssMiB } from "../../bench/footprint.mjs";

/**
 * Samples the RSS of the workerd processes in `processGroup` (one wrangler dev's own) every
 * `intervalMs`. `samples` is `{ t, mib }[]` with `t` in seconds since `origin` (performance.now()).
 */
export function startMemorySampler({ processGroup, intervalMs, origin }) {
  const samples = [];
  const take = () => {
    samples.push({
      t: (performance.now() - origin) / 1000,
      mib: workerdRssMiB({ processGroup }),
    });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    take,
    stop() {
      clearInterval(timer);
      take();
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

/** Least-squares slope of `mib` over `t`, in MiB per minute (null with fewer than 3 points). */
export function slopePerMinute(points) {
  if (points.length < 3) return null;
  const n = points.length;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / n;
  const meanM = points.reduce((sum, p) => sum + p.mib, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.mib - meanM);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/**
 * The growth verdict over the steady phase [`fromS`, `toS`] (seconds on the samples' clock).
 * `warm` is the median of the phase's first fifth (after the warm-up, so isolate start-up,
 * compilation and first SQLite pages are already paid), `end` the median of its last fifth, and
 * the slope is fitted over its second half. The run fails only when both say it grows: `end`
 * above `warm` by more than `maxGrowth` (a fraction) and a positive second-half slope. One of the
 * two alone is what a garbage-collected heap does anyway: a late GC spike, or a plateau that is
 * high but flat.
 */
export function memoryVerdict(samples, { fromS, toS, maxGrowth }) {
  const span = toS - fromS;
  const steady = samples.filter((s) => s.t >= fromS && s.t <= toS);
  const firstFifth = steady.filter((s) => s.t <= fromS + span / 5).map((s) => s.mib);
  const lastFifth = steady.filter((s) => s.t >= toS - span / 5).map((s) => s.mib);
  const warm = median(firstFifth);
  const end = median(lastFifth);
  const slope = slopePerMinute(steady.filter((s) => s.t >= fromS + span / 2));
  const growth = warm && end !== null ? end / warm - 1 : null;
  const grows = growth !== null && growth > maxGrowth && slope !== null && slope > 0;
  return {
    start_mib: samples[0]?.mib ?? null,
    warm_mib: warm,
    end_mib: end,
    peak_mib: Math.max(...samples.map((s) => s.mib)),
    growth,
    slope_mib_per_minute: slope,
    max_growth: maxGrowth,
    samples_in_steady_phase: steady.length,
    ok: warm !== null && end !== null && !grows,
  };
}
