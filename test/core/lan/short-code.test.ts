import { describe, expect, it } from 'vitest';
import {
  commitTo,
  isNonce,
  newNonce,
  opens,
  shortCode,
} from '../../../src/main/core/lan/pairing/short-code';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const M = 'c'.repeat(64);

describe('the pairing short code', () => {
  it('is the same on both sides of one session, six digits grouped', () => {
    const [ni, nr] = [newNonce(), newNonce()];
    const code = shortCode(A, B, ni, nr);
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(shortCode(A, B, ni, nr)).toBe(code);
  });

  it('differs when a certificate in the middle replaces either side', () => {
    // Each side of a man in the middle sees the forger's id in place of the other's.
    let same = 0;
    for (let i = 0; i < 200; i++) {
      const [ni, nr] = [newNonce(), newNonce()];
      if (shortCode(A, M, ni, nr) === shortCode(M, B, ni, nr)) same++;
    }
    expect(same).toBe(0);
  });

  it('changes with either nonce and with the roles', () => {
    const [ni, nr] = [newNonce(), newNonce()];
    const code = shortCode(A, B, ni, nr);
    expect(shortCode(A, B, newNonce(), nr)).not.toBe(code);
    expect(shortCode(A, B, ni, newNonce())).not.toBe(code);
    expect(shortCode(B, A, ni, nr)).not.toBe(code);
  });

  it('spreads over the digits (no code dominates)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const c = shortCode(A, B, newNonce(), newNonce()).slice(0, 1);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(n).toBeGreaterThan(120);
  });

  it('opens a commitment only with its own nonce', () => {
    const n = newNonce();
    expect(isNonce(n)).toBe(true);
    const c = commitTo(n);
    expect(opens(c, n)).toBe(true);
    expect(opens(c, newNonce())).toBe(false);
    expect(opens('zz', n)).toBe(false);
    expect(isNonce('short')).toBe(false);
    expect(isNonce(`${n}x`)).toBe(false);
  });
});
