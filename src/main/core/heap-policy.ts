/**
 * How far the main V8 heap may grow past its live data before a full collection, while a folder
 * scans. V8's factor is dynamic: while a scan's main thread allocates in small bursts (it mostly
 * waits for parse threads) it let the heap grow 2-4x, so at 100k tracks 60-100 MiB of garbage sat
 * on top of ~100 MiB of live index and the peak RSS wandered between 350 and 420 MiB from run to
 * run; at 1.3x it was 296-315 MiB, with the 20k cold scan's time unchanged within noise.
 * Outside scans V8 decides again: a stream allocates quickly and briefly, and 1.3x there made
 * collections so frequent that CPU per MB streamed doubled (bench A/B in BENCHMARKS.md).
 * It applies from SCAN_HEAP_POLICY_MIN_TRACKS tracks on. The flag is process-wide (parse threads
 * follow it too) and V8 reads it at each heap resize.
 */
import { setFlagsFromString } from 'node:v8';

/** Heap limit growth after a full collection while scanning, in percent of the live size. */
export const SCAN_HEAP_GROWING_PERCENT = 30;
/**
 * Index size from which the policy applies: below it V8's headroom is tens of MiB at most, and
 * the extra collections are not worth their CPU (a 20k cold scan peaks at ~190 MiB anyway).
 */
export const SCAN_HEAP_POLICY_MIN_TRACKS = 40_000;

let scanning: boolean | undefined;

/** Tight heap growth while any folder scans (`true`), V8's own policy otherwise. Idempotent. */
export function setScanHeapPolicy(on: boolean): void {
  if (on === scanning) return;
  scanning = on;
  // 0 is V8's default: its dynamic factor.
  setFlagsFromString(`--heap-growing-percent=${on ? SCAN_HEAP_GROWING_PERCENT : 0}`);
}
