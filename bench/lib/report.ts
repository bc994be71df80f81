/** One measured figure: a name, what it means, its target, and the values from each run. */
export interface Figure {
  /** Short stable key, e.g. `cold.publish`. */
  key: string;
  /** What the number measures, in words. */
  measures: string;
  unit: string;
  values: number[];
  /** The issue's target as text (e.g. "< 11 s"), and a check for the median. */
  target?: string;
  pass?: (median: number) => boolean;
  /** The issue's reference number, NOT measured here. */
  reference?: string;
  /** Extra context (e.g. how many listeners were running). */
  note?: string;
}

/** Sorted copy. */
function sorted(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** The q-quantile (0..1) by nearest rank; NaN for an empty list. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Median (upper median for even counts, so it is always a measured value). */
export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const a = Math.abs(n);
  return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** min / median / max of a figure, formatted. */
export function summarize(f: Figure): {
  min: string;
  median: string;
  max: string;
  verdict: string;
} {
  const s = sorted(f.values);
  const med = median(s);
  let verdict = '';
  if (f.pass && s.length > 0) verdict = f.pass(med) ? 'met' : 'NOT met';
  return { min: fmt(s[0] ?? NaN), median: fmt(med), max: fmt(s.at(-1) ?? NaN), verdict };
}

/** One line per figure for the console, as runs finish. */
export function consoleLine(f: Figure): string {
  const s = summarize(f);
  const runs = f.values.length;
  return `${f.key.padEnd(26)} ${s.min.padStart(8)} / ${s.median.padStart(8)} / ${s.max.padStart(8)} ${f.unit.padEnd(8)} (${runs} run${runs === 1 ? '' : 's'}) ${f.target ? `target ${f.target} ${s.verdict}` : ''}`;
}

/** The markdown table of every figure: what it measures, target, reference from the issue, results. */
export function markdownTable(figures: Figure[]): string {
  const rows = [
    '| Figure | What it measures | Unit | Runs | Min | Median | Max | Target (issue) | Met? | Reference (from the issue, not measured) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of figures) {
    const s = summarize(f);
    const measures = f.note ? `${f.measures} (${f.note})` : f.measures;
    rows.push(
      `| \`${f.key}\` | ${measures} | ${f.unit} | ${f.values.length} | ${s.min} | ${s.median} | ${s.max} | ${f.target ?? ''} | ${s.verdict} | ${f.reference ?? ''} |`,
    );
  }
  return rows.join('\n');
}
