/** Thrown by `withTimeout` when the operation did not settle in time. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
    this.name = 'TimeoutError';
  }
}

/** "10 s", "1.5 s", "200 ms": how long limits read in messages. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * Settle like `op`, or reject with a TimeoutError after `ms`. The operation itself cannot be
 * cancelled (a stat stuck on a dead network mount stays stuck in its thread); this only frees the
 * caller, so one hung path cannot stall a whole scan.
 */
export function withTimeout<T>(op: Promise<T>, ms: number): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return op;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  return Promise.race([op, limit]).finally(() => clearTimeout(timer));
}
