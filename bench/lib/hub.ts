import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { startHub } from '../../test/hub/emulator';
import type { Hub, HubOptions } from '../../test/hub/emulator';
import type { ManifestTrack } from '../../src/shared/contract';
import { BENCH_TOKEN } from './daemon';
import type { Daemon } from './daemon';

/** The hub emulator with the bench account (its token is BENCH_TOKEN). */
export function startBenchHub(opts: Omit<HubOptions, 'tokens'> = {}): Promise<Hub> {
  return startHub({ ...opts, tokens: { [BENCH_TOKEN]: { username: 'bench' } } });
}

/** When the hub's track list last changed and how many tracks it held then. */
export interface Published {
  count: number;
  /** `performance.now()` of the poll that first saw the final list. */
  at: number;
  sessionId: string;
}

/**
 * Waits until the newest session holds at least `min` tracks and its list has not changed for
 * `settleMs`; returns the moment the final list first appeared (polled every 10 ms). Session
 * `exclude` (the one just kicked) does not count. Rejects after
 * `timeoutMs`, or as soon as `daemon` exits, with its last stderr lines.
 */
export async function waitPublished(
  hub: Hub,
  o: {
    min: number;
    settleMs: number;
    timeoutMs: number;
    daemon?: Pick<Daemon, 'exited' | 'tail'>;
    exclude?: string;
  },
): Promise<Published> {
  const deadline = performance.now() + o.timeoutMs;
  let lastList: ManifestTrack[] | undefined;
  let lastSession = '';
  let changedAt = performance.now();
  let exited = false;
  void o.daemon?.exited.then(() => (exited = true));
  for (;;) {
    const now = performance.now();
    const session = hub
      .sessions()
      .filter((s) => s.id !== o.exclude)
      .at(-1);
    const list = session?.tracks ?? [];
    if (list !== lastList || session?.id !== lastSession) {
      lastList = list;
      lastSession = session?.id ?? '';
      changedAt = now;
    }
    if (session && list.length >= o.min && now - changedAt >= o.settleMs) {
      return { count: list.length, at: changedAt, sessionId: session.id };
    }
    if (exited) throw new Error(`daemon exited before publishing:\n${o.daemon?.tail()}`);
    if (now > deadline) {
      throw new Error(
        `not published within ${o.timeoutMs} ms (hub holds ${list.length}, want ≥ ${o.min})\n${o.daemon?.tail() ?? ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `performance.now()` time of the hub's latest accepted upgrade (auth_ok sent), or NaN. */
export function lastUpgradeAt(hub: Hub): number {
  const ok = hub.upgrades.findLast((u) => u.status === 101);
  return ok ? ok.at - performance.timeOrigin : NaN;
}

/** Polls `predicate` every `everyMs` until it holds; resolves with `performance.now()` then, or rejects at the deadline. */
export async function pollUntil(
  predicate: () => boolean,
  timeoutMs: number,
  everyMs = 20,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return performance.now();
}

/** What one listener got. */
export interface ListenResult {
  status: number;
  bytes: number;
  ms: number;
  /** Content-Length the hub announced. */
  expected: number;
}

/** A listener pulling one track through the hub's stream route; `abort()` hangs up (the hub then cancels). */
export interface Listener {
  /** Bytes received so far. */
  bytes(): number;
  done: Promise<ListenResult>;
  abort(): void;
}

function streamUrl(hub: Hub, sessionId: string, trackId: string): string {
  return `${hub.url}/api/peers/${encodeURIComponent(sessionId)}/tracks/${encodeURIComponent(trackId)}/stream?token=${BENCH_TOKEN}`;
}

/** Starts `GET /api/peers/:sid/tracks/:tid/stream?token=…` and counts bytes without keeping them. */
export function listen(hub: Hub, sessionId: string, trackId: string): Listener {
  const url = streamUrl(hub, sessionId, trackId);
  const started = performance.now();
  let bytes = 0;
  let req: http.ClientRequest | undefined;
  const done = new Promise<ListenResult>((resolve) => {
    req = http.get(url, { agent: false }, (res) => {
      const expected = Number(res.headers['content-length'] ?? 0);
      res.on('data', (c: Buffer) => (bytes += c.length));
      const finish = (): void =>
        resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started, expected });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    req.on('error', () =>
      resolve({ status: 0, bytes, ms: performance.now() - started, expected: 0 }),
    );
  });
  return { bytes: () => bytes, done, abort: () => req?.destroy() };
}

/**
 * The same request from a worker thread. The hub emulator's thread already reads the tunnel,
 * decodes and writes HTTP; receiving the body on that thread too made it the bottleneck of the
 * throughput figures, which are about the daemon. Here the listener runs beside it.
 */
export function listenOffThread(
  hub: Hub,
  sessionId: string,
  trackId: string,
): Promise<ListenResult> {
  const worker = new Worker(new URL('./listen-worker.mjs', import.meta.url), {
    workerData: { url: streamUrl(hub, sessionId, trackId) },
    execArgv: [], // plain JavaScript: no TypeScript loader to start in every worker
  });
  return new Promise<ListenResult>((resolve, reject) => {
    worker.once('message', (r: ListenResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`listener thread exited (${code}) without a result`)),
    );
  }).finally(() => void worker.terminate());
}
