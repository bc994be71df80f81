import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** One reading of a process from /proc: CPU time used so far, current and peak resident memory. */
export interface ProcSample {
  at: number;
  cpuMs: number;
  rssBytes: number;
  peakRssBytes: number;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Reads /proc/<pid>/stat and /status (Linux only). Measured from outside so the daemon under test
 * needs no hooks and the reading includes everything it does. Rejects when the process is gone.
 */
export async function sampleProc(pid: number): Promise<ProcSample> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const kb = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    at: performance.now(),
    cpuMs: (ticks * 1000) / CLK_TCK,
    rssBytes: kb('VmRSS') * 1024,
    peakRssBytes: kb('VmHWM') * 1024,
  };
}

/** Samples a process every `intervalMs` until stopped; keeps the highest RSS seen. */
export class ProcWatch {
  private timer: NodeJS.Timeout | undefined;
  private first: ProcSample | undefined;
  private last: ProcSample | undefined;
  /** Highest VmRSS observed between start() and stop(). */
  maxRssBytes = 0;
  /** Every sample taken, oldest first. */
  readonly samples: ProcSample[] = [];

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  /** Takes a first sample and keeps sampling in the background. */
  async start(): Promise<void> {
    this.first = this.last = await sampleProc(this.pid);
    this.samples.push(this.first);
    this.maxRssBytes = this.first.rssBytes;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  private async tick(): Promise<void> {
    const s = await sampleProc(this.pid).catch(() => undefined);
    if (!s) return;
    this.last = s;
    this.samples.push(s);
    this.maxRssBytes = Math.max(this.maxRssBytes, s.rssBytes);
  }

  /** The last sample taken at or before `at` (a `performance.now()` time), else the first one. */
  sampleAt(at: number): ProcSample | undefined {
    return this.samples.findLast((s) => s.at <= at) ?? this.samples[0];
  }

  /** Stops sampling; returns CPU ms used and wall ms elapsed since start(). */
  async stop(): Promise<{ cpuMs: number; wallMs: number; maxRssBytes: number; end: ProcSample }> {
    clearInterval(this.timer);
    await this.tick();
    const first = this.first!;
    const end = this.last!;
    return {
      cpuMs: end.cpuMs - first.cpuMs,
      wallMs: end.at - first.at,
      maxRssBytes: this.maxRssBytes,
      end,
    };
  }
}
