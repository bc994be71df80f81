/**
 * How far the main V8 heap may grow past its live data before a full collection. V8's default
 * factor is dynamic and often 2-4x on a heap that grows steadily, as a large library's index does
 * while it scans: at 100k tracks that headroom was 60-100 MiB of garbage on top of ~100 MiB of
 * live index, and the peak RSS wandered between 350 and 420 MiB from run to run. At 1.3x the
 * peak was 296-315 MiB, and the 20k cold scan took the same time within noise (bench A/B in
 * BENCHMARKS.md): the extra full collections mark a heap whose garbage is short-lived.
 * V8 reads the flag at each heap resize, so it works when set first thing at start-up. It is
 * process-wide: parse threads' heaps (about 12 MiB live) follow it too.
 */
import { setFlagsFromString } from 'node:v8';

/** Heap limit growth after a full collection, in percent of the live size. */
export const HEAP_GROWING_PERCENT = 30;

/** Apply the policy; call first thing in a process entry (the daemon, the Electron main). */
export function applyHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
