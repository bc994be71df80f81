import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/shared/contract';
import { deferredApi } from '../../src/main/core/deferred-api';

function fakeEngine() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = {
    self: 'engine',
    // A method, as Engine.invoke is: it must be called on the engine.
    async invoke(this: { self: string }, name: string, ...args: unknown[]) {
      return { name, args, self: this.self };
    },
    on: (name: string, fn: (p: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set.add(fn));
      return () => void set.delete(fn);
    },
  } as unknown as Api;
  return { api, listeners };
}

describe('deferredApi', () => {
  it('holds calls until the engine is there, then answers them', async () => {
    let open!: (api: Api) => void;
    const api = deferredApi(new Promise<Api>((r) => (open = r)));
    let answered = false;
    const call = api.invoke('rescan', null).then((v) => ((answered = true), v));
    await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBe(false);
    open(fakeEngine().api);
    expect(await call).toEqual({ name: 'rescan', args: [null], self: 'engine' });
  });

  it('subscribes once the engine is there, and never after an early unsubscribe', async () => {
    const engine = fakeEngine();
    let open!: (api: Api) => void;
    const api = deferredApi(new Promise<Api>((r) => (open = r)));
    const got: unknown[] = [];
    const off = api.on('activity', (p) => got.push(p));
    const early = api.on('tracks', () => got.push('never'));
    early();
    open(engine.api);
    await Promise.resolve();
    await Promise.resolve();
    expect(engine.listeners.get('activity')?.size).toBe(1);
    expect(engine.listeners.get('tracks')?.size ?? 0).toBe(0);
    for (const fn of engine.listeners.get('activity')!) fn('hello');
    expect(got).toEqual(['hello']);
    off();
    expect(engine.listeners.get('activity')?.size).toBe(0);
  });
});
