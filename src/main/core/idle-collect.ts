/**
 * One full garbage collection when the engine goes quiet after work (a scan, the last stream).
 *
 * A browser tells V8 when a page idles and V8 then shrinks the heap; Node tells it nothing, so a
 * scan's garbage (the cache read, the batches, the manifests) stayed in the heap, and in RSS,
 * until the next burst of allocation, which on an idle daemon never comes. Measured on the 20k
 * corpus (bench `idle`, a warm start): 184-228 MiB RSS idle, 88 MiB after one collection.
 *
 * The collection runs `delayMs` after the last poke, only if nothing is busy then, and at most
 * once per `minGapMs`: a listener skipping through tracks pokes at every track's end, and a full
 * collection of this heap takes tens of milliseconds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** A full, compacting collection of the main heap (`global.gc` without `--expose-gc` at start). */
export function fullCollection(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      // The flag applies to contexts made after it: a new context's `gc` collects the whole heap.
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}

export interface IdleCollectorOptions {
  /** Whether work is going on (a scan, a transfer): then no collection. */
  busy: () => boolean;
  delayMs?: number;
  minGapMs?: number;
  collect?: () => void;
  now?: () => number;
}

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  private last = -Infinity;
  private readonly delayMs: number;
  private readonly minGapMs: number;
  private readonly collect: () => void;
  private readonly now: () => number;
  /** How many collections ran (diagnostics, tests). */
  collections = 0;

  constructor(private readonly opts: IdleCollectorOptions) {
    this.delayMs = opts.delayMs ?? 1000;
    this.minGapMs = opts.minGapMs ?? 30_000;
    this.collect = opts.collect ?? fullCollection;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Work may just have ended: collect once things have stayed quiet for a moment. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(this.delayMs, this.last + this.minGapMs - this.now());
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    if (this.opts.busy()) return; // the work's own end pokes again
    this.last = this.now();
    this.collections++;
    this.collect();
  }
}
