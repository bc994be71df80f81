/**
 * Fault 5 of issue 15 at the real defaults (`npm run faults` only: it waits for the server's 30 s
 * ping interval): the daemon behind a proxy whose path is cut without a FIN must notice within the
 * ping interval plus a margin, and be published again once the path returns.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav } from '../e2e/helpers';
import { startCutProxy, type CutProxy } from './cut-proxy';
import { buildDaemon, startDaemon } from './daemon';
import { FULL, tempDir } from './helpers';

if (!FULL) process.stderr.write('faults: the half-open daemon case runs in npm run faults only\n');

/** The hub emulator's default, as real servers ping. */
const PING_MS = 30_000;
const MARGIN_MS = 20_000;

describe.runIf(FULL)('the daemon on a path cut without a FIN, at the default timeouts', () => {
  let hub: Hub;
  let proxy: CutProxy;
  let dir: string;
  beforeAll(async () => {
    buildDaemon();
    hub = await startHub({ dropAfterMs: 600_000 });
    proxy = await startCutProxy(hub.port);
    dir = await tempDir('halfopen');
    await mkdir(path.join(dir, 'music'));
    await writeFile(path.join(dir, 'music', 'a.wav'), makeWav(100_000, 1));
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('notices within the ping interval plus a margin and comes back', async () => {
    const args = ['--server', `http://127.0.0.1:${proxy.port}`, '--share', path.join(dir, 'music')];
    const d = startDaemon([...args, '--state-dir', path.join(dir, 'state')], {
      TUNECAMP_TOKEN: 'tc_good',
    });
    try {
      await d.waitFor(/1 tracks published|published 1 tracks/);
      const t0 = performance.now();
      proxy.cut();
      await d.waitFor(/sent nothing for/, PING_MS + MARGIN_MS + 60_000);
      const noticed = performance.now() - t0;
      process.stderr.write(
        `faults: the daemon noticed a cut path after ${Math.round(noticed)} ms\n`,
      );
      expect(noticed).toBeLessThan(PING_MS + MARGIN_MS);
      const before = hub.upgrades.length;
      proxy.restore();
      await hub.waitFor(() => hub.upgrades.slice(before).some((u) => u.status === 101), 30_000);
      await hub.waitFor(() => hub.tracks().length === 1, 10_000);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  }, 240_000);
});
