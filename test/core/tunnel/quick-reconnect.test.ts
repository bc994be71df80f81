import { afterEach, describe, expect, it } from 'vitest';
import { quickRetryDelay } from '../../../src/main/core/tunnel/backoff';
import { startHub, type Hub } from '../../hub/emulator';
import { tunnelTo, waitForStatus } from './helpers';

describe('reconnecting after a healthy session drops', () => {
  let hub: Hub | undefined;
  afterEach(async () => hub?.close());

  it('keeps the first retry between 20 and 120 ms', () => {
    expect(quickRetryDelay(() => 0)).toBe(20);
    expect(quickRetryDelay(() => 0.999999)).toBe(120);
    expect(quickRetryDelay(() => Number.NaN)).toBe(70);
  });

  it('comes back within a fraction of a second, even with slow ordinary backoff', async () => {
    hub = await startHub();
    // Ordinary backoff here would wait at least 1 s (a quarter of the 4 s base).
    const { tunnel } = tunnelTo(hub, 'tc_good', {
      conflictWindowMs: 200,
      retry: { baseMs: 4_000, capMs: 8_000, slowMinMs: 60_000, slowMaxMs: 60_000 },
    });
    tunnel.start();
    try {
      const first = await waitForStatus(tunnel, (s) => s.state === 'connected');
      await new Promise((r) => setTimeout(r, 300)); // outlive the conflict window: a healthy session
      const kickedAt = Date.now();
      hub.kick(first.sessionId!);
      await waitForStatus(
        tunnel,
        (s) => s.state === 'connected' && s.sessionId !== first.sessionId,
        3_000,
      );
      expect(Date.now() - kickedAt).toBeLessThan(700);
    } finally {
      await tunnel.stop();
    }
  });
});
