import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleCollector } from '../../src/main/core/idle-collect';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('IdleCollector', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  function rig(busy = false) {
    const state = { busy, runs: 0 };
    const c = new IdleCollector({
      busy: () => state.busy,
      delayMs: 1000,
      minGapMs: 30_000,
      collect: () => void state.runs++,
      now: () => Date.now(),
    });
    return { c, state };
  }

  it('collects once, a moment after the last poke', () => {
    const { c, state } = rig();
    c.poke();
    vi.advanceTimersByTime(600);
    c.poke(); // more work ended: wait again
    vi.advanceTimersByTime(900);
    expect(state.runs).toBe(0);
    vi.advanceTimersByTime(200);
    expect(state.runs).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(state.runs).toBe(1);
  });

  it('does not collect while busy (the work pokes again when it ends)', () => {
    const { c, state } = rig(true);
    c.poke();
    vi.advanceTimersByTime(5000);
    expect(state.runs).toBe(0);
    state.busy = false;
    c.poke();
    vi.advanceTimersByTime(1000);
    expect(state.runs).toBe(1);
  });

  it('collects at most once per 30 s however often it is poked', () => {
    const { c, state } = rig();
    for (let t = 0; t < 120_000; t += 2000) {
      c.poke();
      vi.advanceTimersByTime(2000);
    }
    // 0-120 s: at ~1 s, then no sooner than 30 s after each.
    expect(state.runs).toBeGreaterThanOrEqual(3);
    expect(state.runs).toBeLessThanOrEqual(4);
  });

  it('close() cancels a pending collection', () => {
    const { c, state } = rig();
    c.poke();
    c.close();
    vi.advanceTimersByTime(5000);
    expect(state.runs).toBe(0);
  });
});

describe('fullCollection', () => {
  it('frees garbage in a process started without --expose-gc', () => {
    const script = `
      const { fullCollection } = await import('./src/main/core/idle-collect.ts');
      const v8 = await import('node:v8');
      if (typeof globalThis.gc === 'function') throw new Error('gc exposed already');
      let keep = [];
      for (let i = 0; i < 400_000; i++) keep.push({ i, s: 'x' + i });
      keep = null;
      const before = v8.getHeapStatistics().used_heap_size;
      fullCollection();
      const after = v8.getHeapStatistics().used_heap_size;
      process.stdout.write(JSON.stringify({ before, after }));
    `;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const { before, after } = JSON.parse(out) as { before: number; after: number };
    // ~30 MiB of dead objects: gone after the collection.
    expect(before - after).toBeGreaterThan(15 * 2 ** 20);
  }, 30_000);
});
