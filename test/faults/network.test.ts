/**
 * Fault 5 of issue 15: the network path to the server. A proxy in the test cuts it without a FIN
 * (the server's machine vanished), or stops reading from the engine (a server that stops reading).
 * The engine must notice the silence, reconnect when the path returns, keep its memory bounded
 * while nothing is read, and answer pings as soon as reading resumes.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/shared/contract';
import { startHub, type Hub } from '../hub/emulator';
import { fetchAll, makeWav, startEngine } from '../e2e/helpers';
import { startCutProxy, type CutProxy } from './cut-proxy';
import { tempDir } from './helpers';

const PING_MS = 400;
/** The engine's silence limit in these tests: the hub's ping interval plus a margin. */
const SILENCE_MS = PING_MS + 800;

let hub: Hub;
let proxy: CutProxy;
let dir: string;
let music: string;
beforeAll(async () => {
  hub = await startHub({ pingIntervalMs: PING_MS, dropAfterMs: 60_000 });
  proxy = await startCutProxy(hub.port);
  dir = await tempDir('net');
  music = path.join(dir, 'music');
  await mkdir(music);
  await writeFile(path.join(music, 'big.wav'), makeWav(24 * 1024 * 1024, 5));
});
afterAll(async () => {
  await proxy?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

async function engineBehindProxy() {
  const started = await startEngine(hub, [music], {
    settings: { server: `http://127.0.0.1:${proxy.port}` },
    extra: { tunnel: { silenceTimeoutMs: SILENCE_MS, retry: { baseMs: 50, capMs: 400 } } },
  });
  const statuses: ConnectionStatus[] = [];
  started.engine.on('connection', (s) => statuses.push(s));
  await hub.waitFor(() => hub.sessions().length > 0 && hub.tracks().length === 1, 15_000);
  return { ...started, statuses };
}

describe('the path to the server', () => {
  it('cut without a FIN: noticed within the ping interval plus a margin, reconnected when it returns', async () => {
    const { engine, statuses, stop } = await engineBehindProxy();
    try {
      const t0 = performance.now();
      proxy.cut();
      await expect
        .poll(() => statuses.some((s) => s.problem?.code === 'silent-server'), {
          timeout: SILENCE_MS + 3000,
          interval: 50,
        })
        .toBe(true);
      const noticed = performance.now() - t0;
      expect(noticed).toBeLessThan(PING_MS + SILENCE_MS + 1500); // the margin: a loaded CI machine
      const before = hub.upgrades.length;
      proxy.restore();
      await hub.waitFor(
        () => hub.upgrades.slice(before).some((u) => u.status === 101) && hub.tracks().length === 1,
        10_000,
      );
      const session = hub.sessions().at(-1)!;
      const id = hub.tracks(session.id)[0]!.id;
      const res = await fetchAll(
        `${hub.url}/api/peers/${session.id}/tracks/${id}/stream?token=tc_good`,
      );
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(24 * 1024 * 1024);
      process.stderr.write(`faults: half-open noticed after ${Math.round(noticed)} ms\n`);
      void engine;
    } finally {
      await stop();
    }
  }, 40_000);

  it('a server that stops reading: memory stays bounded, pongs go out once it reads again', async () => {
    const { engine, stop } = await engineBehindProxy();
    try {
      const session = hub.sessions().at(-1)!;
      const id = hub.tracks(session.id)[0]!.id;
      proxy.stallUp(true);
      const heap0 = process.memoryUsage().rss;
      // A 24 MiB download the server cannot take in: it must wait in bounded buffers.
      const download = fetchAll(
        `${hub.url}/api/peers/${session.id}/tracks/${id}/download?token=tc_good`,
      ).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 3 * PING_MS + 1500));
      const grew = process.memoryUsage().rss - heap0;
      const queued = engine.transferDebug();
      process.stderr.write(
        `faults: stalled reader: rss +${(grew / 2 ** 20).toFixed(1)} MiB, ${JSON.stringify(queued).slice(0, 200)}\n`,
      );
      expect(grew).toBeLessThan(16 * 2 ** 20);
      const lastPong = () => hub.sessions().find((x) => x.id === session.id)?.lastPongAt ?? 0;
      const pongBefore = lastPong();
      const resumed = Date.now();
      proxy.stallUp(false);
      await hub.waitFor(() => lastPong() > pongBefore, 5_000);
      expect(lastPong() - resumed).toBeLessThan(PING_MS + 3000);
      const res = await download;
      expect(res instanceof Error ? res.message : res.body.length).toBe(24 * 1024 * 1024);
    } finally {
      await stop();
    }
  }, 40_000);
});
