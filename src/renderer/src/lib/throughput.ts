/**
 * Upload throughput history for the Activity chart: samples taken from `transfers` events, kept
 * for a time window, and turned into an SVG area path. Pure.
 */

/** One sample: epoch ms and bytes per second. */
export interface Sample {
  at: number;
  rate: number;
}

/** Five minutes, the chart's window. */
export const WINDOW_MS = 5 * 60_000;

/**
 * Samples with a new one appended and those older than the window dropped. Samples closer than
 * `minGapMs` to the previous one replace it, so a burst of events does not grow the list.
 */
export function addSample(
  samples: readonly Sample[],
  s: Sample,
  windowMs = WINDOW_MS,
  minGapMs = 1000,
): Sample[] {
  const kept = samples.filter((x) => x.at > s.at - windowMs && x.at <= s.at);
  const last = kept[kept.length - 1];
  if (last && s.at - last.at < minGapMs) kept[kept.length - 1] = { at: last.at, rate: s.rate };
  else kept.push(s);
  return kept;
}

/** A "nice" ceiling for the y axis (1, 2 or 5 × 10^n), at least 1. */
export function niceMax(max: number): number {
  if (!(max > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/**
 * SVG path data ("M… L… Z") for the area under the samples in a width×height box, time running
 * from `now - windowMs` (left) to `now` (right) and 0..`yMax` bottom to top. Empty with no samples.
 */
export function areaPath(
  samples: readonly Sample[],
  now: number,
  width: number,
  height: number,
  yMax: number,
  windowMs = WINDOW_MS,
): string {
  if (samples.length === 0) return '';
  const x = (at: number) =>
    Math.max(0, Math.min(width, ((at - (now - windowMs)) / windowMs) * width));
  const y = (r: number) => height - Math.max(0, Math.min(1, r / yMax)) * height;
  const r1 = (n: number) => Math.round(n * 10) / 10;
  const pts = samples.map((s) => `${r1(x(s.at))},${r1(y(s.rate))}`);
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  return `M${r1(x(first.at))},${height} L${pts.join(' L')} L${r1(x(last.at))},${height} Z`;
}

/**
 * The "Upload now" figure: the rolling rate, but 0 when nothing is being sent. The rolling rate
 * decays over a few seconds after the last transfer ends; showing that tail next to an empty
 * transfer list reads as a bug.
 */
export function uploadNow(totals: { rate: number; active: number } | undefined): number {
  if (!totals || totals.active === 0) return 0;
  return totals.rate;
}
