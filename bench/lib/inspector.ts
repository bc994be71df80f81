import { WebSocket } from 'ws';

/**
 * Reads a daemon's V8 heap and libuv handles from outside, over the inspector protocol: the
 * daemon is started with `--inspect=127.0.0.1:PORT` (loopback only) and has no stats of its own
 * to ask. Each reading forces a full garbage collection first, so the heap figure is live data,
 * not whatever the collector had not yet reclaimed.
 */
export interface HeapReading {
  /** V8 heap in use after a full GC (bytes). */
  heapUsed: number;
  /** `process.getActiveResourcesInfo()` in the daemon: every handle and request keeping it alive. */
  resources: number;
  /** Of those, timers (`Timeout`). */
  timers: number;
}

export interface Inspector {
  read(): Promise<HeapReading>;
  close(): void;
}

/** Connects to the inspector on `port`, retrying until `timeoutMs` (the daemon is starting). */
export async function connectInspector(port: number, timeoutMs = 15_000): Promise<Inspector> {
  const deadline = performance.now() + timeoutMs;
  let url: string | undefined;
  while (!url) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
        webSocketDebuggerUrl: string;
      }[];
      url = list[0]?.webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
    if (!url) {
      if (performance.now() > deadline) throw new Error(`no inspector on port ${port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (r: { result?: unknown; error?: unknown }) => void>();
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg);
    if (msg.id !== undefined) waiting.delete(msg.id);
  });
  ws.on('error', () => undefined);
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`inspector ${method} timed out`));
      }, 30_000);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`inspector ${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async read() {
      await call('HeapProfiler.collectGarbage');
      const heap = (await call('Runtime.getHeapUsage')) as { usedSize: number };
      const r = (await call('Runtime.evaluate', {
        expression: 'JSON.stringify(process.getActiveResourcesInfo())',
        returnByValue: true,
      })) as { result: { value: string } };
      const list = JSON.parse(r.result.value) as string[];
      return {
        heapUsed: heap.usedSize,
        resources: list.length,
        timers: list.filter((x) => x === 'Timeout').length,
      };
    },
    close: () => ws.close(),
  };
}
