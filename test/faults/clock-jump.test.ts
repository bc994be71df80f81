/**
 * Fault 6 of issue 15: the wall clock jumps hours forward or back while the engine runs (a laptop
 * wakes, NTP corrects). `Date.now()` is moved here; durations must be measured on the monotonic
 * clock (`performance.now()`), so nothing stalls for hours or fires in a burst.
 */
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WarningFolder } from '../../src/main/cli/terminal';
import { StabilityGate } from '../../src/main/core/watch/stability';
import type { PeerTunnel } from '../../src/main/core/tunnel/peer-tunnel';
import { startHub, type Hub } from '../hub/emulator';
import { sleep, tunnelTo, waitForStatus } from '../core/tunnel/helpers';
import { tempDir } from './helpers';

const HOURS = 3 * 3600_000;
const realNow = Date.now.bind(Date);
let offset = 0;
/** Moves the wall clock by `ms` (cumulative) for everything in this process that reads Date.now. */
function jump(ms: number): void {
  offset += ms;
  vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
}

let hub: Hub | null = null;
const tunnels: PeerTunnel[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  offset = 0;
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  await hub?.close();
  hub = null;
});

describe('a wall clock that jumps', () => {
  it.each([
    ['back', -HOURS],
    ['forward', HOURS],
  ])(
    '%s 3 hours: a file being copied is released after its quiet period, not hours later or at once',
    async (_, by) => {
      const dir = await tempDir('clock');
      const file = path.join(dir, 'copying.flac');
      await writeFile(file, 'part one');
      const released: number[] = [];
      const t0 = performance.now();
      const gate = new StabilityGate({
        stabilityMs: 400,
        release: () => released.push(performance.now() - t0),
      });
      gate.hold(file, await stat(file)); // its size and mtime now: quiet from here
      jump(by);
      await sleep(150);
      expect(released).toEqual([]); // not at once: the file was written 150 ms ago
      await expect.poll(() => released.length, { timeout: 3_000, interval: 50 }).toBe(1);
      expect(released[0]).toBeGreaterThanOrEqual(380);
      gate.close();
      await rm(dir, { recursive: true, force: true });
    },
  );

  it('back 3 hours during long sessions: kicks are not mistaken for another device (conflict)', async () => {
    hub = await startHub();
    const a = tunnelTo(hub, 'tc_good', { conflictWindowMs: 150 });
    tunnels.push(a.tunnel);
    a.tunnel.start();
    for (let i = 0; i < 4; i++) {
      const s = await waitForStatus(
        a.tunnel,
        (x) => x.state === 'connected' && x.sessionId !== undefined,
      );
      jump(-HOURS); // the session's lifetime read off the wall clock would be negative
      await sleep(250); // longer than the window: a restart or a kick, not a conflict
      hub.kick(s.sessionId!);
      await waitForStatus(a.tunnel, (x) => x.state === 'waiting');
    }
    await waitForStatus(a.tunnel, (x) => x.state === 'connected');
    expect(a.statuses.some((x) => x.problem?.code === 'conflict')).toBe(false);
  });

  it('back 3 hours: the daemon folds a repeated terminal warning for its minute, not for 3 hours', async () => {
    const out: string[] = [];
    const folder = new WarningFolder((l) => out.push(l), 300); // the daemon's, with its own clock
    folder.add('disk slow', 'warn disk slow');
    folder.add('disk slow', 'warn disk slow');
    expect(out).toEqual(['warn disk slow']); // the repeat is folded
    jump(-HOURS);
    await sleep(400);
    folder.flush();
    expect(out).toEqual(['warn disk slow', 'warn disk slow (2 times in the last minute)']);
    folder.add('disk slow', 'warn disk slow again');
    expect(out.at(-1)).toBe('warn disk slow again'); // a new minute: printed at once
  });
});
