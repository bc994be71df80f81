/** Abort signals of one download attempt: the user's pause/cancel plus a stall watchdog. */
import { DownloadError } from './transport';

/** An attempt's signal; `alive()` after each chunk, `dispose()` when the attempt ends. */
export interface AttemptSignal {
  signal: AbortSignal;
  /** Set when the watchdog fired: the error to report instead of fetch's AbortError. */
  stalled: DownloadError | undefined;
  alive(): void;
  dispose(): void;
}

/**
 * A signal that aborts with `parent`, or when no byte arrives for `stallMs` (the head included).
 * A laptop that slept, or a peer that vanished without a FIN, leaves a socket that never errors:
 * only a timeout notices it.
 */
export function attemptSignal(parent: AbortSignal, stallMs: number): AttemptSignal {
  const ctrl = new AbortController();
  const onParent = () => ctrl.abort(parent.reason);
  parent.addEventListener('abort', onParent, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const out: AttemptSignal = {
    signal: ctrl.signal,
    stalled: undefined,
    alive() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        out.stalled = new DownloadError(`No data for ${stallMs / 1000} s: reconnecting`, true);
        ctrl.abort(out.stalled);
      }, stallMs);
    },
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
  out.alive();
  return out;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
