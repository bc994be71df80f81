/**
 * Rolling rates and the adaptive send window, as plain data plus pure-ish functions (they mutate
 * only the state object they are given), so the arithmetic is testable without sockets or timers.
 */

/** Width of one meter bucket. */
const BUCKET_MS = 250;

/** A rolling sum over the last `spanMs`, in fixed buckets; memory does not grow with traffic. */
export interface RateMeter {
  readonly spanMs: number;
  readonly slots: number[];
  /** Index (time / BUCKET_MS) of the newest bucket written. */
  head: number;
  /** When the first sample arrived, so a young meter divides by its real age, not the full span. */
  since: number | undefined;
}

/** A meter averaging over the last `spanMs` (default 3 s). */
export function createMeter(spanMs = 3000): RateMeter {
  const n = Math.max(1, Math.ceil(spanMs / BUCKET_MS));
  return { spanMs: n * BUCKET_MS, slots: new Array<number>(n).fill(0), head: 0, since: undefined };
}

function advance(m: RateMeter, now: number): void {
  const idx = Math.floor(now / BUCKET_MS);
  if (m.since === undefined) {
    m.head = idx;
    return;
  }
  const steps = Math.min(idx - m.head, m.slots.length);
  for (let i = 1; i <= steps; i++) m.slots[(m.head + i) % m.slots.length] = 0;
  if (idx > m.head) m.head = idx;
}

/** Record `amount` at time `now` (ms). */
export function meterAdd(m: RateMeter, now: number, amount: number): void {
  advance(m, now);
  if (m.since === undefined) m.since = now;
  const i = m.head % m.slots.length;
  m.slots[i] = (m.slots[i] ?? 0) + amount;
}

/** Sum of the samples still inside the span at `now`. */
export function meterSum(m: RateMeter, now: number): number {
  if (m.since === undefined) return 0;
  advance(m, now);
  let sum = 0;
  for (const v of m.slots) sum += v;
  return sum;
}

/** Average per second over the span (or over the meter's age while it is younger than the span). */
export function meterRate(m: RateMeter, now: number): number {
  if (m.since === undefined) return 0;
  const sum = meterSum(m, now);
  const elapsed = Math.min(m.spanMs, Math.max(BUCKET_MS, now - m.since));
  return (sum * 1000) / elapsed;
}

/**
 * The send window: about `targetMs` worth of the measured link rate, clamped to [min, max].
 * With no measurement yet it starts at `min` and opens as acknowledgements come back.
 */
export function computeWindow(
  rateBytesPerSec: number | undefined,
  min: number,
  max: number,
  targetMs = 100,
): number {
  const lo = Math.min(min, max);
  if (rateBytesPerSec === undefined || !Number.isFinite(rateBytesPerSec)) {
    return rateBytesPerSec === Infinity ? max : lo;
  }
  return Math.max(lo, Math.min(max, Math.round((rateBytesPerSec * targetMs) / 1000)));
}

/**
 * Measures what the link accepts: bytes whose send completed, divided by the time the sender
 * was actually busy (had something in flight). Idle time does not dilute it, so a quiet pause
 * does not shrink the window below what the link can take.
 */
export interface LinkEstimator {
  bytes: RateMeter;
  busy: RateMeter;
  /** Start of the current busy stretch, if something is in flight. */
  busySince: number | undefined;
}

/** A fresh estimator (no measurement). */
export function createLinkEstimator(spanMs = 2000): LinkEstimator {
  return { bytes: createMeter(spanMs), busy: createMeter(spanMs), busySince: undefined };
}

/** Something was handed to the socket while nothing else was in flight. */
export function linkBusy(e: LinkEstimator, now: number): void {
  if (e.busySince === undefined) e.busySince = now;
}

/** `bytes` completed at `now`; `idle` says nothing is in flight any more. */
export function linkAck(e: LinkEstimator, now: number, bytes: number, idle: boolean): void {
  if (e.busySince !== undefined) {
    meterAdd(e.busy, now, Math.max(0, now - e.busySince));
    e.busySince = idle ? undefined : now;
  }
  meterAdd(e.bytes, now, bytes);
}

/**
 * Bytes per second the link took while busy; `Infinity` when sends complete faster than the clock
 * can measure, `undefined` before any completion.
 */
export function linkRate(e: LinkEstimator, now: number): number | undefined {
  const bytes = meterSum(e.bytes, now);
  if (bytes === 0) return undefined;
  const busyMs = meterSum(e.busy, now);
  // Under 1 ms of busy time for a meaningful amount of data: the link is faster than we can tell.
  if (busyMs < 1) return Infinity;
  return (bytes * 1000) / busyMs;
}
