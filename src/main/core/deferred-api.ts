import type { Api } from '../../shared/contract';

/**
 * An Api over an engine that is still opening: calls wait for it, and subscriptions start once it
 * is there. The desktop app hands this to its window so the page loads while the scan cache is
 * read, instead of after.
 */
export function deferredApi(ready: Promise<Api>): Api {
  return {
    invoke: (async (name: string, ...args: unknown[]) => {
      const api = await ready;
      return (api.invoke as (n: string, ...a: unknown[]) => Promise<unknown>)(name, ...args);
    }) as Api['invoke'],
    on: (name, listener) => {
      let off: (() => void) | null = null;
      let dropped = false;
      void ready.then((api) => {
        if (!dropped) off = api.on(name, listener);
      });
      return () => {
        dropped = true;
        off?.();
      };
    },
  };
}
