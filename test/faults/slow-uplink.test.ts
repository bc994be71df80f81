/**
 * Issue 15: a slow uplink (bandwidth-limited, not dropping): hotel Wi-Fi, a phone's hotspot, an
 * ADSL line at 512 kbit/s up. The engine reaches the hub through a token-bucket proxy
 * (bench/throttle-proxy.ts, client→server paced; the backlog builds in the engine's own socket as
 * behind a real link) while two listeners stream and one hangs up part way.
 *
 * What must hold: every byte the listeners get is the file's (whole when they stay); the session is
 * never dropped (pongs get through the saturated link well inside the server's limits: a ping
 * every 30 s, a drop after 75 s); a listener that hangs up frees the link soon, not after the rest
 * of its file has crawled up it. `npm test` runs 512 KiB files (~25 s); `faults` 2 MiB ones.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrottleProxy, type ThrottleProxy } from '../../bench/throttle-proxy';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav, startEngine } from '../e2e/helpers';
import { FULL, tempDir } from './helpers';

const UP_BITS = 512_000;
const SIZE = (FULL ? 2048 : 512) * 1024;
/** Pings from the test every this often, timed to their pongs. */
const PING_MS = 500;

let hub: Hub;
let proxy: ThrottleProxy;
let dir: string;
beforeAll(async () => {
  hub = await startHub();
  hub.setPinging(false); // the test sends its own, so it knows when each left
  proxy = await startThrottleProxy({
    targetHost: '127.0.0.1',
    targetPort: hub.port,
    upBitsPerSecond: UP_BITS,
  });
  dir = await tempDir('slowuplink');
});
afterAll(async () => {
  await proxy?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a slow uplink (512 kbit/s)', () => {
  it('streams right bytes, keeps its session, and a hang-up frees the link', async () => {
    const music = path.join(dir, 'music');
    await mkdir(music);
    const files = [makeWav(SIZE, 31), makeWav(SIZE + 4096, 32)];
    for (const [i, b] of files.entries()) await writeFile(path.join(music, `${i}.wav`), b);
    const { stop } = await startEngine(hub, [music], {
      settings: { server: `http://127.0.0.1:${proxy.port}` },
    });
    let pinger: NodeJS.Timeout | undefined;
    try {
      await hub.waitFor(() => hub.tracks().length === 2, 30_000);
      const session = hub.sessions().at(-1)!;
      const upgrades = hub.upgrades.length;
      const idOf = (b: Buffer) =>
        hub.tracks(session.id).find((t) => t.fileSizeBytes === b.length)!.id;
      const url = (b: Buffer) =>
        `${hub.url}/api/peers/${session.id}/tracks/${idOf(b)}/stream?token=tc_good`;

      // Ping → pong times while the link is saturated.
      const sentAt: number[] = [];
      const latencies: number[] = [];
      let seen = hub.received.length;
      pinger = setInterval(() => {
        for (; seen < hub.received.length; seen++) {
          const f = hub.received[seen]!;
          if (f.type !== 'pong' || f.sessionId !== session.id) continue;
          const at = sentAt.shift();
          if (at !== undefined) latencies.push(f.at - at);
        }
        sentAt.push(Date.now());
        hub.send(session.id, { type: 'ping' });
      }, PING_MS);

      // One listener stays; the other hangs up after 2 s.
      const t0 = performance.now();
      // Not fetchAll: its 20 s bound is shorter than 2 MiB takes at this rate (~45 s).
      const staying = fetch(url(files[0]!), { signal: AbortSignal.timeout(100_000) }).then(
        async (res) => ({ status: res.status, body: Buffer.from(await res.arrayBuffer()) }),
      );
      const leaving = new AbortController();
      let leftAt = 0;
      let upAtHangUp = 0;
      const left = fetch(url(files[1]!), { signal: leaving.signal })
        .then(async (res) => {
          const reader = res.body!.getReader();
          const parts: Buffer[] = [];
          setTimeout(() => {
            upAtHangUp = proxy.upBytes();
            leftAt = performance.now();
            leaving.abort();
          }, 2000);
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parts.push(Buffer.from(value));
          }
          return Buffer.concat(parts);
        })
        .catch(() => undefined);
      const whole = await staying;
      const streamS = (performance.now() - t0) / 1000;
      await left;
      clearInterval(pinger);

      expect(whole.status).toBe(200);
      expect(whole.body.equals(files[0]!)).toBe(true);
      // The session was never dropped: no new upgrade, no reconnect.
      expect(hub.upgrades.length).toBe(upgrades);
      expect(hub.sessions().at(-1)!.id).toBe(session.id);
      // Pongs: every ping answered, each well inside the 45 s the engine allows itself and the
      // 75 s the server allows (the bound here: 10 s, about 640 KB of this link's backlog).
      expect(latencies.length).toBeGreaterThan(5);
      const maxPong = Math.max(...latencies);
      expect(maxPong).toBeLessThan(10_000);
      // After the hang-up, the rest of that file does not crawl up the link: what still went up
      // between the hang-up and the end is at most the staying stream plus 256 KiB of backlog.
      const upAfter = proxy.upBytes() - upAtHangUp;
      const stayingAfter = ((SIZE * 4) / 3) * Math.max(0, 1 - (leftAt - t0) / 1000 / streamS);
      expect(upAfter).toBeLessThan(stayingAfter + 256 * 1024);
      process.stderr.write(
        `faults: 512 kbit/s uplink: ${SIZE} B whole in ${streamS.toFixed(1)} s beside a listener that hung up at 2 s; ${latencies.length} pings, pong max ${maxPong} ms, median ${latencies.sort((a, b) => a - b)[latencies.length >> 1]} ms; ${Math.round(upAfter / 1024)} KiB up after the hang-up (the staying stream's share ~${Math.round(stayingAfter / 1024)} KiB); no reconnect\n`,
      );
    } finally {
      clearInterval(pinger); // also when an assertion failed mid-stream
      await stop();
    }
  }, 120_000);
});
