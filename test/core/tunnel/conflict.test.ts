import { afterEach, describe, it, expect } from 'vitest';
import { startHub, type Hub } from '../../hub/emulator';
import type { PeerTunnel } from '../../../src/main/core/tunnel/peer-tunnel';
import { sleep, tunnelTo, waitForStatus } from './helpers';

let hub: Hub | null = null;
const tunnels: PeerTunnel[] = [];

afterEach(async () => {
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  await hub?.close();
  hub = null;
});

describe('two clients on one account', () => {
  it('detect the conflict, say so, and slow down instead of fighting', async () => {
    hub = await startHub();
    const a = tunnelTo(hub);
    const b = tunnelTo(hub);
    tunnels.push(a.tunnel, b.tunnel);
    a.tunnel.start();
    await waitForStatus(a.tunnel, (x) => x.state === 'connected');
    b.tunnel.start();
    const conflictA = await waitForStatus(a.tunnel, (x) => x.problem?.code === 'conflict', 5_000);
    expect(conflictA.problem?.message).toMatch(
      /Another device or browser tab using this account keeps replacing this connection/,
    );
    if (conflictA.state === 'waiting')
      expect(conflictA.nextRetryAt! - Date.now()).toBeGreaterThan(1_500);
    await waitForStatus(b.tunnel, (x) => x.problem?.code === 'conflict', 5_000);
    // Once both know, the fight slows to the slow window (2–2.5 s in tests) instead of 40 ms.
    const before = hub.upgrades.length;
    await sleep(1_000);
    expect(hub.upgrades.length - before).toBeLessThanOrEqual(2);
    expect(hub.upgrades.length).toBeLessThan(20);
    expect(JSON.stringify([...a.statuses, ...b.statuses])).not.toContain('tc_good');
  });

  it('a session that lives past the window clears the conflict streak', async () => {
    hub = await startHub();
    const a = tunnelTo(hub, 'tc_good', { conflictWindowMs: 150 });
    tunnels.push(a.tunnel);
    a.tunnel.start();
    for (let i = 0; i < 5; i++) {
      const s = await waitForStatus(
        a.tunnel,
        (x) => x.state === 'connected' && x.sessionId !== undefined,
      );
      await sleep(250); // longer than the window: a restart or a kick, not a conflict
      hub.kick(s.sessionId!);
      await waitForStatus(a.tunnel, (x) => x.state === 'waiting');
    }
    const final = await waitForStatus(a.tunnel, (x) => x.state === 'connected');
    expect(final.problem).toBeUndefined();
    expect(a.statuses.some((x) => x.problem?.code === 'conflict')).toBe(false);
  });
});
