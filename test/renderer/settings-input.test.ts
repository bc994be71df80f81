import { describe, expect, it } from 'vitest';
import { SETTING_SPECS, parseSetting } from '../../src/renderer/src/lib/settings-input';

describe('parseSetting', () => {
  const hours = SETTING_SPECS.rescanIntervalHours;
  const seconds = SETTING_SPECS.pollIntervalSeconds;

  it('accepts the rescan interval from 0.25 to 168 hours, fractions included', () => {
    expect(parseSetting('0.25', hours)).toEqual({ ok: true, value: 0.25 });
    expect(parseSetting(' 1,5 ', hours)).toEqual({ ok: true, value: 1.5 });
    expect(parseSetting('168', hours)).toEqual({ ok: true, value: 168 });
  });

  it('rejects a rescan interval out of range, naming the range', () => {
    for (const bad of ['0.2', '0', '169', '-1']) {
      const r = parseSetting(bad, hours);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toBe('Out of range: enter a number from 0.25 to 168 hours.');
    }
  });

  it('accepts whole poll intervals from 10 to 86,400 seconds only', () => {
    expect(parseSetting('10', seconds)).toEqual({ ok: true, value: 10 });
    expect(parseSetting('86400', seconds)).toEqual({ ok: true, value: 86_400 });
    const frac = parseSetting('12.5', seconds);
    expect(frac.ok).toBe(false);
    if (!frac.ok) expect(frac.error).toContain('whole number');
    const high = parseSetting('86401', seconds);
    expect(high.ok).toBe(false);
    if (!high.ok) expect(high.error).toContain('from 10 to 86,400 seconds');
    expect(parseSetting('9', seconds).ok).toBe(false);
  });

  it('rejects empty and non-numeric input', () => {
    for (const bad of ['', '  ', 'abc', 'Infinity', '1e999']) {
      expect(parseSetting(bad, seconds).ok).toBe(false);
    }
  });
});
