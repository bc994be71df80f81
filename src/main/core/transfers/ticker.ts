/**
 * A coalescing timer for throttled events: `arm()` any number of times schedules one `tick` after
 * `ms`; the tick says whether to keep ticking. Nothing runs while idle, and the timer never keeps
 * the process alive on its own.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ms: number,
    private readonly tick: () => boolean,
  ) {}

  /** Schedule a tick unless one is pending (or the ticker was stopped). */
  arm(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.tick()) this.arm();
    }, this.ms);
    this.timer.unref();
  }

  /** Cancel the pending tick for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
