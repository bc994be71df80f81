import { describe, expect, it } from 'vitest';
import { DeltaBatcher } from '../../../src/main/core/library/delta';
import type { LibraryDelta, LibraryEntry } from '../../../src/main/core/library/types';

const entry = (id: string) => ({ id, path: `/m/${id}.mp3` }) as LibraryEntry;

describe('DeltaBatcher', () => {
  it('sends the first batch of a scan at once (the first tracks), then every interval', async () => {
    const out: { at: number; delta: LibraryDelta }[] = [];
    const t0 = performance.now();
    const b = new DeltaBatcher((delta) => out.push({ at: performance.now() - t0, delta }));
    b.push('added', entry('a'));
    await new Promise((r) => setTimeout(r, 120));
    expect(out).toHaveLength(1);
    expect(out[0]!.delta.added.map((e) => e.id)).toEqual(['a']);
    b.push('added', entry('b'));
    await new Promise((r) => setTimeout(r, 120));
    expect(out).toHaveLength(1); // the next batch waits for the interval (300 ms)
    await new Promise((r) => setTimeout(r, 300));
    expect(out).toHaveLength(2);
    b.dispose();
  });

  it('still sends a full batch at once', () => {
    const out: LibraryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), undefined, 300, 3);
    for (const id of ['a', 'b', 'c']) b.push('added', entry(id));
    expect(out).toHaveLength(1);
    b.dispose();
  });
});
