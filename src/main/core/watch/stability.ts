import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Options of a StabilityGate. */
export interface StabilityOptions {
  /** A file must keep the same size and mtime this long before it is released. */
  stabilityMs: number;
  /** Receives each file once it is stable (or gone). */
  release: (path: string) => void;
}

interface Held {
  size: number;
  mtimeMs: number;
  /**
   * When the size or mtime last changed (or an event last arrived), in `performance.now()` time:
   * the wall clock jumps (sleep, NTP), and a jump back by hours held files for hours.
   */
  since: number;
}

const STAT_CONCURRENCY = 32;

/**
 * Holds back files that are still being written: a file is released only after its size and
 * mtime have stayed the same for `stabilityMs`, so a long copy is reported once, complete. One
 * timer serves all held files and stops when none are held (no idle cost).
 */
export class StabilityGate {
  private held = new Map<string, Held>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private closed = false;
  private readonly tickMs: number;

  constructor(private readonly opts: StabilityOptions) {
    this.tickMs = Math.max(25, Math.min(250, Math.round(opts.stabilityMs / 2)));
  }

  /** Files currently held. */
  get size(): number {
    return this.held.size;
  }

  /** Holds `path` (again): a new write event restarts its quiet period. */
  hold(path: string, stats?: Stats): void {
    if (this.closed) return;
    this.held.set(path, {
      size: stats?.size ?? -1,
      mtimeMs: stats?.mtimeMs ?? -1,
      since: performance.now(),
    });
    this.schedule();
  }

  /** Forgets `path` (it was removed; the removal is reported by the caller). */
  drop(path: string): void {
    this.held.delete(path);
  }

  /** Forgets everything held. */
  clear(): void {
    this.held.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Forgets everything and never holds again. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private schedule(): void {
    if (this.timer || this.ticking || this.held.size === 0 || this.closed) return;
    this.timer = setTimeout(() => void this.tick(), this.tickMs);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    this.ticking = true;
    const entries = [...this.held];
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const [path, h] = entries[next++]!;
        await this.check(path, h);
      }
    };
    await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, entries.length) }, worker));
    this.ticking = false;
    this.schedule();
  }

  private async check(path: string, h: Held): Promise<void> {
    let st: Stats | null = null;
    try {
      st = await stat(path);
    } catch {
      // Gone or unreadable: release it and let the library find out which.
    }
    if (this.held.get(path) !== h) return; // a newer event replaced it (or it was dropped) meanwhile
    const now = performance.now();
    if (st && (st.size !== h.size || st.mtimeMs !== h.mtimeMs)) {
      this.held.set(path, { size: st.size, mtimeMs: st.mtimeMs, since: now });
    } else if (!st || now - h.since >= this.opts.stabilityMs) {
      this.held.delete(path);
      this.opts.release(path);
    }
  }
}
