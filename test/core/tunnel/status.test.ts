import { describe, it, expect } from 'vitest';
import type { ConnectionStatus } from '../../../src/shared/contract';
import { judgeClose, nextStatus } from '../../../src/main/core/tunnel/status';

const base: ConnectionStatus = {
  state: 'stopped',
  server: 'https://x',
  since: 1,
  publishedTracks: 0,
};

describe('nextStatus', () => {
  it('moves since only when the state changes', () => {
    const a = nextStatus(base, 'connecting', {}, 'https://x', 10);
    expect(a.since).toBe(10);
    expect(nextStatus(a, 'connecting', {}, 'https://x', 20).since).toBe(10);
  });

  it('keeps session and count only while connected, the retry time only while waiting', () => {
    const connected = nextStatus(
      base,
      'connected',
      { sessionId: 's1', publishedTracks: 4 },
      'https://x',
      5,
    );
    expect(connected).toMatchObject({ sessionId: 's1', publishedTracks: 4 });
    const problem = { code: 'unreachable' as const, message: 'lost' };
    const waiting = nextStatus(connected, 'waiting', { problem, nextRetryAt: 99 }, 'https://x', 6);
    expect(waiting).toEqual({
      state: 'waiting',
      server: 'https://x',
      since: 6,
      publishedTracks: 0,
      problem,
      nextRetryAt: 99,
    });
    const connecting = nextStatus(waiting, 'connecting', {}, 'https://x', 7);
    expect(connecting).not.toHaveProperty('nextRetryAt');
    expect(connecting.problem).toEqual(problem); // the last problem stays visible while retrying
    const back = nextStatus(
      connecting,
      'connected',
      { sessionId: 's2', problem: undefined },
      'https://x',
      8,
    );
    expect(back).not.toHaveProperty('problem');
    expect(Object.values(back)).not.toContain(undefined);
  });

  it('a plain stop clears the problem; a stop with a problem keeps it', () => {
    const withProblem = {
      ...base,
      state: 'waiting' as const,
      problem: { code: 'unreachable' as const, message: 'm' },
    };
    expect(nextStatus(withProblem, 'stopped', {}, 'https://x')).not.toHaveProperty('problem');
    const p = { code: 'unauthorized' as const, message: 'log in', status: 401 };
    expect(nextStatus(withProblem, 'stopped', { problem: p }, 'https://x').problem).toEqual(p);
  });
});

describe('judgeClose', () => {
  it('counts short sessions toward a conflict at three in a row', () => {
    let streak = 0;
    const verdicts = [1, 2, 3].map(() => {
      const v = judgeClose(500, 10_000, streak, false);
      streak = v.shortSessions;
      return v.conflict;
    });
    expect(verdicts).toEqual([false, false, true]);
  });

  it('a long session resets the streak and the backoff', () => {
    expect(judgeClose(20_000, 10_000, 5, false)).toEqual({
      shortSessions: 0,
      resetAttempts: true,
      conflict: false,
    });
  });

  it('closes we caused (silence, oversized frames) are not conflicts', () => {
    expect(judgeClose(100, 10_000, 2, true)).toEqual({
      shortSessions: 0,
      resetAttempts: false,
      conflict: false,
    });
  });
});
