import { describe, expect, it } from 'vitest';
import { AbortGroups } from '../../../src/main/core/library/abort-groups';
import { ScratchBuffers } from '../../../src/main/core/library/scratch-buffers';

describe('ScratchBuffers', () => {
  it('lends exact-size views of reused memory, up to a limit, and nothing for large files', () => {
    const pool = new ScratchBuffers(1024, 1);
    const a = pool.take(100) as Buffer;
    expect(a.length).toBe(100);
    a[0] = 42;
    pool.give(a);
    const b = pool.take(500) as Buffer;
    expect(b.length).toBe(500);
    expect(b.buffer).toBe(a.buffer); // the same memory, lent again
    expect(b[0]).toBe(42);
    const c = pool.take(500) as Buffer; // none free: a new one
    expect(c.buffer).not.toBe(b.buffer);
    pool.give(b);
    pool.give(c); // over `keep`: dropped
    pool.give(Buffer.alloc(1024)); // not from the pool: ignored
    expect(pool.take(10)?.buffer).toBe(b.buffer);
    expect(pool.take(10)?.buffer).not.toBe(c.buffer);
    expect(pool.take(1025)).toBeUndefined();
  });
});

describe('AbortGroups', () => {
  it('uses one listener per signal and hands over the items still waiting', () => {
    const aborted: string[][] = [];
    const groups = new AbortGroups<string>((items) => aborted.push(items));
    const ac = new AbortController();
    let listeners = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    ac.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    for (const x of ['a', 'b', 'c']) groups.add(ac.signal, x);
    groups.delete(ac.signal, 'b');
    expect(listeners).toBe(1);
    ac.abort();
    expect(aborted).toEqual([['a', 'c']]);

    const other = new AbortController();
    groups.add(other.signal, 'x');
    groups.delete(other.signal, 'x'); // last one: the listener goes
    other.abort();
    expect(aborted).toHaveLength(1);
  });
});
