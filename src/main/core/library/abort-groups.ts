/**
 * Waits on many AbortSignals for many items with one 'abort' listener per signal, not per item: a
 * scan has dozens of files in flight on one signal, and a listener each trips Node's leak warning.
 * When a signal aborts, `onAbort` gets the items still registered under it.
 */
export class AbortGroups<T> {
  private readonly groups = new Map<AbortSignal, { items: Set<T>; listener: () => void }>();

  constructor(private readonly onAbort: (items: T[]) => void) {}

  /** Register `item` under `signal` (which must not have aborted yet). */
  add(signal: AbortSignal, item: T): void {
    let g = this.groups.get(signal);
    if (!g) {
      const items = new Set<T>();
      const listener = () => {
        this.groups.delete(signal);
        this.onAbort([...items]);
      };
      g = { items, listener };
      this.groups.set(signal, g);
      signal.addEventListener('abort', listener, { once: true });
    }
    g.items.add(item);
  }

  /** Forget `item`; the listener goes with the last item of its signal. */
  delete(signal: AbortSignal, item: T): void {
    const g = this.groups.get(signal);
    if (!g) return;
    g.items.delete(item);
    if (g.items.size > 0) return;
    signal.removeEventListener('abort', g.listener);
    this.groups.delete(signal);
  }
}
