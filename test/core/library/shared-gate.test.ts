import { describe, expect, it } from 'vitest';
import {
  gateMemory,
  reading,
  releaseThread,
  SharedGate,
} from '../../../src/main/core/library/shared-gate';

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 30));
  return done;
};

describe('SharedGate', () => {
  it('lets `limit` readers in at once and the next one as soon as one leaves', async () => {
    const memory = gateMemory();
    const a = new SharedGate(memory, 1, 0);
    const b = new SharedGate(memory, 1, 1);
    await a.acquire();
    const waiting = b.acquire();
    expect(await settled(waiting)).toBe(false);
    a.release();
    await waiting;
    expect(reading(memory)).toBe(1);
    b.release();
    expect(reading(memory)).toBe(0);
  });

  it('frees what a thread held when the pool ends it, so the others go on', async () => {
    const memory = gateMemory();
    const stuck = new SharedGate(memory, 2, 0);
    await stuck.acquire();
    await stuck.acquire();
    const other = new SharedGate(memory, 2, 1);
    const waiting = other.acquire();
    expect(await settled(waiting)).toBe(false);
    releaseThread(memory, 0);
    await waiting;
    expect(reading(memory)).toBe(1);
    releaseThread(memory, 0); // nothing more to free
    expect(reading(memory)).toBe(1);
  });

  it('refuses a thread number with no cell', () => {
    expect(() => new SharedGate(gateMemory(), 1, 99)).toThrow(RangeError);
  });
});
