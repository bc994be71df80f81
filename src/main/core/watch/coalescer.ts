/** Timing of a ChangeCoalescer. */
export interface CoalescerOptions {
  /** Emit after this long without a new path. */
  quietMs: number;
  /** …but never later than this after the first path of a burst. */
  maxWaitMs: number;
  /** Receives each batch (distinct paths, in arrival order). */
  flush: (paths: string[]) => void;
  /**
   * True while more paths are known to be on their way (files still settling): the quiet flush
   * then waits for them, so a long copy is not cut into many small batches; maxWaitMs still holds.
   */
  busy?: () => boolean;
}

/**
 * Collects changed paths and hands them over in batches: one batch after `quietMs` of quiet, or
 * `maxWaitMs` after the burst began if it never goes quiet. A burst of thousands of file events
 * therefore costs a handful of library updates. No timer runs while nothing is pending.
 */
export class ChangeCoalescer {
  private paths = new Set<string>();
  private quiet: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;

  constructor(private readonly opts: CoalescerOptions) {}

  /** Paths waiting for the next batch. */
  get pending(): number {
    return this.paths.size;
  }

  /** Adds a path to the current burst (starting one if none is open). */
  add(path: string): void {
    this.paths.add(path);
    // refresh() re-arms the same timer: no allocation per event in a burst of thousands.
    if (this.quiet) this.quiet.refresh();
    else this.quiet = setTimeout(() => this.onQuiet(), this.opts.quietMs);
    this.deadline ??= setTimeout(() => this.flush(), this.opts.maxWaitMs);
  }

  /** Hands over the current burst now (nothing happens when it is empty). */
  flush(): void {
    this.stopTimers();
    if (this.paths.size === 0) return;
    const paths = [...this.paths];
    this.paths = new Set();
    this.opts.flush(paths);
  }

  private onQuiet(): void {
    if (this.opts.busy?.() && this.quiet) this.quiet.refresh();
    else this.flush();
  }

  /** Drops the current burst without handing it over. */
  clear(): void {
    this.stopTimers();
    this.paths.clear();
  }

  private stopTimers(): void {
    if (this.quiet) clearTimeout(this.quiet);
    if (this.deadline) clearTimeout(this.deadline);
    this.quiet = null;
    this.deadline = null;
  }
}
