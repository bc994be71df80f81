import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc/PID/status (Linux). */
export function procMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Samples `pid`'s VmRSS every `everyMs` until `stop()`; keeps the highest seen. */
export function watchRss(pid: number, everyMs = 200): { max(): number; stop(): number } {
  let max = 0;
  const tick = () => {
    try {
      max = Math.max(max, procMemory(pid).rss);
    } catch {
      // the process is gone
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    max: () => max,
    stop: () => {
      clearInterval(timer);
      tick();
      return max;
    },
  };
}

export const MiB = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
