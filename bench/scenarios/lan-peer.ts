/**
 * The cost of one TLS connection per range request (`--only lan-peer`, issue 13). Two engines run
 * in this process with LAN sharing on 127.0.0.1; B pairs with A by link and plays A's track
 * through its loopback proxy, where every range the player asks for becomes a new mutual-TLS
 * connection to A (peer-client.ts). Figures, for many small ranges on a keep-alive connection to
 * the proxy: latency through the proxy, the same range straight from A's LAN server with a device
 * token (plain HTTP, keep-alive), and a bare mutual-TLS connect to A (TCP, TLS 1.3 handshake with
 * both certificates, pin check), which is what pooling could save per request.
 */
import http from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Engine } from '../../src/main/core/engine';
import { loadIdentity } from '../../src/main/core/lan/identity';
import { connectPinned } from '../../src/main/core/lan/tls-pinning';
import { MemorySecretStore, MemorySettingsStore } from '../../src/main/core/settings/store';
import { makeWav } from '../../test/e2e/helpers';
import type { BenchContext } from '../lib/context';
import { quantile } from '../lib/report';

/** One GET with a Range on `agent`; resolves with the ms to the end of the body. */
function timedGet(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ ms: number; status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, bytes }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function engine(stateDir: string, folders: string[]): Promise<Engine> {
  const settings = new MemorySettingsStore({});
  settings.update({
    lan: { enabled: true, port: 0, host: '127.0.0.1' },
    folders: folders.map((p) => ({ path: p, download: 'inherit', exclude: [] })),
  });
  const e = await Engine.create({
    stateDir,
    settings,
    secrets: new MemorySecretStore(null),
    host: 'headless',
    version: 'bench',
  });
  await e.start();
  return e;
}

export async function lanPeer(ctx: BenchContext): Promise<void> {
  const dir = await ctx.tempDir('lan-peer');
  const music = path.join(dir, 'music');
  await mkdir(music, { recursive: true });
  const size = 64 * 1024 * 1024;
  await writeFile(path.join(music, 'track.wav'), makeWav(size, 1));
  const a = await engine(path.join(dir, 'a'), [music]);
  const bState = path.join(dir, 'b');
  const b = await engine(bState, []);
  try {
    await a.whenScanned();
    const [link] = await a.invoke('createPairLink');
    await b.invoke('pairWithLink', link!).catch((err: Error) => {
      throw new Error(`pairing: ${err.message}`);
    });
    const aId = (await a.invoke('getNearby')).myId!;
    const root = (await b.invoke('browsePeer', aId, '')).folders[0]!.path;
    const track = (await b.invoke('browsePeer', aId, root)).tracks[0]!;
    const proxyUrl = await b.invoke('peerTrackUrl', aId, track.id);
    const lanPort = (await a.invoke('getSnapshot')).lanPort!;
    const { token } = await a.invoke('createLanToken', 'bench');
    const directUrl = `http://127.0.0.1:${lanPort}/track/${track.id}`;
    const n = ctx.config.quick ? 100 : 400;

    for (const blocks of [1, 8]) {
      const bytes = blocks * 32768;
      const proxy: number[] = [];
      const direct: number[] = [];
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      let seed = 5;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < n + 20; i++) {
        const start = Math.floor(rand() * (size / 32768 - blocks)) * 32768;
        const range = `bytes=${start}-${start + bytes - 1}`;
        // Alternate which goes first, so neither always meets a warmer cache.
        const order = i % 2 === 0 ? ['proxy', 'direct'] : ['direct', 'proxy'];
        for (const which of order) {
          const r = await (
            which === 'proxy'
              ? timedGet(agent, proxyUrl, { Range: range })
              : timedGet(agent, directUrl, { Range: range, Authorization: `Bearer ${token}` })
          ).catch((err: Error) => {
            throw new Error(`${which}, request ${i}, ${range}: ${err.message}`);
          });
          if (r.status !== 206 || r.bytes !== bytes)
            throw new Error(`${which}: HTTP ${r.status}, ${r.bytes} bytes for ${range}`);
          if (i >= 20) (which === 'proxy' ? proxy : direct).push(r.ms);
        }
      }
      agent.destroy();
      const kib = bytes / 1024;
      ctx.add({
        key: `lanPeer.proxy${kib}k.p50`,
        measures: `${kib} KiB range through B's loopback proxy to A over mutual TLS (a new TLS connection per request), ${n} requests, request to end of body`,
        unit: 'ms',
        values: [quantile(proxy, 0.5)],
        note: `p95 ${quantile(proxy, 0.95).toFixed(2)} ms`,
      });
      ctx.add({
        key: `lanPeer.direct${kib}k.p50`,
        measures: `the same ranges straight from A's LAN server (plain HTTP, device token, keep-alive), interleaved`,
        unit: 'ms',
        values: [quantile(direct, 0.5)],
        note: `p95 ${quantile(direct, 0.95).toFixed(2)} ms`,
      });
    }

    // A bare connection as the peer client makes it: TCP + TLS 1.3 with both certificates + pin.
    const me = await loadIdentity(bState);
    const address = (await b.invoke('getNearby')).paired[0]!.address!;
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.split(':').pop()!];
    const connects: number[] = [];
    for (let i = 0; i < n + 20; i++) {
      const t0 = performance.now();
      const s = await connectPinned({ host, port: Number(port), me, expectId: aId });
      const ms = performance.now() - t0;
      s.destroy();
      if (i >= 20) connects.push(ms);
    }
    ctx.add({
      key: 'lanPeer.connect.p50',
      measures: `one mutual-TLS connection to the paired device (TCP, TLS 1.3, both certificates, pin check), ${n} in a row`,
      unit: 'ms',
      values: [quantile(connects, 0.5)],
      note: `p95 ${quantile(connects, 0.95).toFixed(2)} ms`,
    });
  } finally {
    await b.stop();
    await a.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
