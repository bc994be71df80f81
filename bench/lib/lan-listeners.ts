import { Worker } from 'node:worker_threads';

/** Byte counts of every listener at one moment (`performance.now()` of the worker's clock). */
export interface LanSample {
  counts: number[];
  errors: string[];
  at: number;
}

/** Listeners running on their own thread; `sample()` reads their counts, `stop()` ends them. */
export interface LanListeners {
  sample(): Promise<LanSample>;
  stop(): Promise<LanSample>;
}

/**
 * Starts `count` range listeners of `url` (a track of `size` bytes on the LAN server) on one
 * worker thread (lan-listeners.mjs): each streams chained `bytes=N-` ranges on its own keep-alive
 * connection, as fast as the server sends (or paced to `rate`), over and over.
 */
export function startLanListeners(o: {
  url: string;
  auth: string;
  count: number;
  size: number;
  /** Bytes per second each listener reads at most (undefined: as fast as it can). */
  rate?: number;
}): LanListeners {
  const worker = new Worker(new URL('./lan-listeners.mjs', import.meta.url), {
    workerData: o,
    execArgv: [],
  });
  const ask = (m: 'sample' | 'stop') =>
    new Promise<LanSample>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(m);
    });
  return {
    sample: () => ask('sample'),
    stop: () => ask('stop').finally(() => void worker.terminate()),
  };
}

/** Jain's fairness index of `xs`: 1 when all are equal, 1/n when one gets everything. */
export function jain(xs: number[]): number {
  const sum = xs.reduce((a, x) => a + x, 0);
  const squares = xs.reduce((a, x) => a + x * x, 0);
  return squares > 0 ? (sum * sum) / (xs.length * squares) : 0;
}
