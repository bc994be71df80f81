import { describe, expect, it } from 'vitest';
import { parseRange, type RangeDecision } from '../../../src/main/core/lan/range';

/**
 * A second, deliberately plain reading of RFC 9110 14.1.2 to fuzz against: regular expressions
 * and BigInt arithmetic, where the parser under test scans characters and uses doubles.
 */
function reference(header: string | undefined, size: number): RangeDecision {
  const none = { kind: 'none' } as const;
  if (header === undefined || header.length > 256) return none;
  const m = /^([^=]*)=(.*)$/s.exec(header);
  if (!m || m[1]!.toLowerCase() !== 'bytes') return none;
  const elements = m[2]!
    .split(',')
    .map((e) => e.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter(Boolean);
  if (elements.length !== 1) return none;
  const r = /^(\d*)-(\d*)$/.exec(elements[0]!);
  if (!r || (r[1] === '' && r[2] === '')) return none;
  const n = BigInt(size);
  if (r[1] === '') {
    const suffix = BigInt(r[2]!);
    if (suffix === 0n) return { kind: 'unsatisfiable' };
    if (n === 0n) return none;
    const start = n > suffix ? n - suffix : 0n;
    return { kind: 'range', start: Number(start), end: size - 1 };
  }
  const first = BigInt(r[1]!);
  const last = r[2] === '' ? null : BigInt(r[2]!);
  if (last !== null && last < first) return none;
  if (first >= n) return { kind: 'unsatisfiable' };
  const end = last === null || last > n - 1n ? n - 1n : last;
  return { kind: 'range', start: Number(first), end: Number(end) };
}

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseRange', () => {
  const S = 1000;
  it.each([
    ['bytes=0-', { kind: 'range', start: 0, end: 999 }],
    ['bytes=100-199', { kind: 'range', start: 100, end: 199 }],
    ['bytes=-100', { kind: 'range', start: 900, end: 999 }],
    // A suffix longer than the file means the whole file (range-parser 1.3.0 says 416 here).
    ['bytes=-5000', { kind: 'range', start: 0, end: 999 }],
    ['bytes=0-99999', { kind: 'range', start: 0, end: 999 }],
    ['bytes=999-', { kind: 'range', start: 999, end: 999 }],
    ['bytes=0-0', { kind: 'range', start: 0, end: 0 }],
    ['Bytes=0-1', { kind: 'range', start: 0, end: 1 }],
    ['bytes=0-1,', { kind: 'range', start: 0, end: 1 }],
    ['bytes= 5-6 ', { kind: 'range', start: 5, end: 6 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=123456789012345678901234567890-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=0-1,10-19', { kind: 'none' }],
    ['bytes=abc', { kind: 'none' }],
    ['bytes=5-4', { kind: 'none' }],
    ['bytes=-', { kind: 'none' }],
    ['bytes=1 - 2', { kind: 'none' }],
    ['bytes =0-1', { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
    ['bytes=+1-2', { kind: 'none' }],
    ['bytes=0x10-', { kind: 'none' }],
    ['bytes=1-2-3', { kind: 'none' }],
    ['bytes=', { kind: 'none' }],
  ] as const)('%s of 1000 bytes', (header, want) => {
    expect(parseRange(header, S)).toEqual(want);
  });

  it('handles a zero-length file and an absent header', () => {
    expect(parseRange(undefined, S)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-10', 0)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-' + '1'.repeat(300), S)).toEqual({ kind: 'none' });
  });

  it('agrees with the reference model on 30,000 seeded random headers', () => {
    const rand = prng(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const num = (): string => {
      const r = rand();
      if (r < 0.1) return '';
      if (r < 0.2) return '0'.repeat(1 + Math.floor(rand() * 3));
      if (r < 0.3) return '9'.repeat(14 + Math.floor(rand() * 8)); // around the double limit
      return String(Math.floor(rand() * 2 ** (1 + Math.floor(rand() * 44))));
    };
    const pieces = [
      'bytes',
      'Bytes',
      'BYTES',
      'items',
      'byte',
      '=',
      '-',
      ',',
      ' ',
      '\t',
      '+',
      'a',
      'é',
      ';',
    ];
    const sizes = [0, 1, 2, 10, 1000, 32768, 2 ** 33 + 5];
    let ranges = 0;
    for (let i = 0; i < 30_000; i++) {
      const size = rand() < 0.7 ? pick(sizes) : Math.floor(rand() * 2 ** 36);
      let h: string;
      if (rand() < 0.6) {
        // Mostly well-formed: the interesting edges are around the file's size.
        const near = () => String(Math.max(0, size + Math.floor(rand() * 7) - 3));
        const a = rand() < 0.5 ? near() : num();
        const b = rand() < 0.5 ? near() : num();
        h = `${pick(['bytes', 'bytes', 'Bytes', 'bytes '])}=${pick(['', ' '])}${a}-${b}`;
        if (rand() < 0.15) h += `,${pick(['', ' ', `${num()}-${num()}`])}`;
      } else {
        h = Array.from({ length: 1 + Math.floor(rand() * 8) }, () =>
          rand() < 0.4 ? num() : pick(pieces),
        ).join('');
      }
      const got = parseRange(h, size);
      if (got.kind === 'range') ranges++;
      expect(got, `${JSON.stringify(h)} of ${size}`).toEqual(reference(h, size));
      if (got.kind === 'range') {
        expect(got.start).toBeGreaterThanOrEqual(0);
        expect(got.end).toBeLessThan(size);
        expect(got.start).toBeLessThanOrEqual(got.end);
      }
    }
    // The generator must actually reach the serving branch, not only the refusals.
    expect(ranges).toBeGreaterThan(3000);
  });
});
