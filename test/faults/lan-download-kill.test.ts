/**
 * Issue 15: `kill -9` during the LAN download sidecars, 200 times, in this suite. The rig is the
 * LAN suite's own (`test/core/lan/download-kill.ts`: a downloader child resuming a 6 MiB track from
 * the LAN server, SIGKILLed 0-450 ms after it starts, each new process resuming from what the last
 * left); after every kill the `.part` and its sidecar must agree with the source, and every finished
 * file must equal it. `npm test` runs that rig 20 times in `test/core/lan/downloads-kill.test.ts`;
 * `npm run faults` runs it 200 times here.
 */
import { describe, expect, it } from 'vitest';
import { killLoop } from '../core/lan/download-kill';
import { FULL } from './helpers';

const KILLS = 200;

if (!FULL)
  process.stderr.write(
    'faults: 200 kills of the LAN downloader (lan-download-kill.test.ts) run in npm run faults only; npm test kills it 20 times in test/core/lan/downloads-kill.test.ts\n',
  );

describe.skipIf(!FULL)('the LAN downloader killed with SIGKILL', () => {
  it(`leaves a part and sidecar that agree with the source after each of ${KILLS} kills`, async () => {
    const t0 = performance.now();
    const r = await killLoop(KILLS);
    process.stderr.write(
      `faults: LAN downloader: ${r.kills} kills, ${r.completed} downloads finished whole in between, ${r.problems.length} problems, ${((performance.now() - t0) / 1000).toFixed(0)} s${r.problems.length ? `: ${r.problems.slice(0, 5).join('; ')}` : ''}\n`,
    );
    expect(r.problems).toEqual([]);
    expect(r.kills).toBe(KILLS);
    expect(r.completed).toBeGreaterThan(0);
  }, 1_800_000);
});
