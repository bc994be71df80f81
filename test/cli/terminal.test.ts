import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/shared/contract';
import { ConnectionPrinter, WarningFolder } from '../../src/main/cli/terminal';

describe('WarningFolder', () => {
  it('prints a warning once, then how often it came in the minute', () => {
    const out: string[] = [];
    const f = new WarningFolder((l) => out.push(l), 60_000);
    f.add('disk slow', 't0 warn disk slow', 0);
    f.add('disk slow', 't1 warn disk slow', 10_000);
    f.add('other', 't2 warn other', 20_000);
    f.add('disk slow', 't3 warn disk slow', 30_000);
    expect(out).toEqual(['t0 warn disk slow', 't2 warn other']);
    f.flush(60_000);
    expect(out.at(-1)).toBe('t3 warn disk slow (3 times in the last minute)');
    f.flush(80_000);
    expect(out).toHaveLength(3); // "other" came once: nothing to add
    f.add('disk slow', 't4 warn disk slow', 90_000);
    expect(out.at(-1)).toBe('t4 warn disk slow');
  });
});

describe('ConnectionPrinter', () => {
  const at = (state: ConnectionStatus['state'], extra: Partial<ConnectionStatus> = {}) =>
    ({
      state,
      since: 0,
      publishedTracks: 0,
      server: 'https://x.org',
      ...extra,
    }) as ConnectionStatus;
  const problem = {
    code: 'unreachable' as const,
    message: 'https://x.org refused the connection. Retrying.',
  };

  it('gives one line per retry: the retry announces the next attempt, the attempt itself is quiet', () => {
    const p = new ConnectionPrinter();
    const lines = [
      at('connecting'),
      at('waiting', { problem, nextRetryAt: Date.now() + 2_000 }),
      at('connecting'),
      at('waiting', { problem, nextRetryAt: Date.now() + 4_000 }),
      at('connecting'),
      at('connected', { sessionId: 's' }),
    ].map((s) => p.line(s));
    expect(lines.filter((l) => l !== null)).toHaveLength(4);
    expect(lines[1]).toMatch(/^https:\/\/x\.org refused the connection; retrying in \d s$/);
    expect(lines[2]).toBeNull();
    expect(p.problemMessage).toBe(problem.message);
  });
});
