/**
 * The LAN range server (`--only lan`): the daemon runs with `--lan` on 127.0.0.1 sharing one
 * large WAV; the bench is the player. Figures: one range stream over loopback (ranges chained as
 * a player follows the 8 MiB cap, and curl fetching the whole file), time to first byte of
 * bounded range requests, and the daemon's memory and file descriptors with 1,000 idle
 * keep-alive connections (and after the keep-alive timeout closes them).
 */
import { execFile } from 'node:child_process';
import { open, readdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from '../lib/context';
import { CLI } from '../lib/daemon';
import { startBenchHub, waitPublished } from '../lib/hub';
import { sampleProc } from '../lib/proc';
import { quantile } from '../lib/report';
import { wavHeader } from '../lib/wav';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** A valid 16-bit stereo WAV of `bytes` bytes of noise, written in 8 MiB pieces. */
export async function writeWav(file: string, bytes: number): Promise<void> {
  const fh = await open(file, 'w');
  await fh.write(wavHeader(bytes));
  const piece = Buffer.alloc(8 * MiB);
  for (let i = 0; i < piece.length; i += 4) piece.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let left = bytes - 44; left > 0; left -= piece.length)
    await fh.write(piece.subarray(0, Math.min(left, piece.length)));
  await fh.close();
}

/** A free TCP port on 127.0.0.1 (listened on, then closed again). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** GET with a Range on a keep-alive agent; resolves with the body size and the ms to the head. */
function rangeGet(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number; headMs: number; contentRange: string; etag: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      const headMs = performance.now() - t0;
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          headMs,
          contentRange: String(res.headers['content-range'] ?? ''),
          etag: String(res.headers.etag ?? ''),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Runs the LAN figures against a daemon started with --lan. */
export async function lan(ctx: BenchContext): Promise<void> {
  const dir = await ctx.tempDir('lan');
  const music = path.join(dir, 'music');
  const stateDir = path.join(dir, 'state');
  await run('mkdir', ['-p', music, stateDir]);
  const size = (ctx.config.quick ? 256 : 1024) * MiB;
  await writeWav(path.join(music, 'big.wav'), size);
  const { stdout } = await run(process.execPath, [
    CLI,
    'lan-token',
    'create',
    'bench',
    '--state-dir',
    stateDir,
  ]);
  const auth = `Bearer ${stdout.trim()}`;
  const port = await freePort();
  const hub = await startBenchHub();
  try {
    const d = ctx.spawn({
      serverUrl: hub.url,
      shares: [music],
      stateDir,
      extraArgs: ['--lan-host', '127.0.0.1', '--lan-port', String(port)],
    });
    await waitPublished(hub, { min: 1, settleMs: 500, timeoutMs: 120_000, daemon: d });
    const id = hub.tracks()[0]!.id;
    const url = `http://127.0.0.1:${port}/track/${id}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

    for (let r = 0; r < ctx.config.runs; r++) {
      // One player streaming the whole file as it would: bytes=N- again after each capped body.
      const t0 = performance.now();
      let pos = 0;
      let requests = 0;
      while (pos < size) {
        const got = await rangeGet(agent, url, { Authorization: auth, Range: `bytes=${pos}-` });
        if (got.status !== 206) throw new Error(`range stream: ${got.status} at ${pos}`);
        pos += got.bytes;
        requests++;
      }
      const s = (performance.now() - t0) / 1000;
      ctx.add({
        key: 'lan.stream.node',
        measures: `a Node http client streaming ${size / MiB} MiB as chained bytes=N- ranges (${requests} requests, 8 MiB cap; the client is the bottleneck)`,
        unit: 'GB/s',
        values: [size / s / 1e9],
        target: '>= 1 GB/s',
        pass: (m) => m >= 1,
      });
      // The same chain from curl, one connection: each 8 MiB body ends, the next range follows.
      const chain: string[] = [];
      for (let p = 0; p < size; p += 8 * MiB)
        chain.push(
          ...(p > 0 ? ['--next'] : []),
          '-s',
          '-o',
          '/dev/null',
          '-H',
          `Authorization: ${auth}`,
          '-r',
          `${p}-`,
          url,
        );
      const c0 = performance.now();
      await run('curl', chain, { maxBuffer: 1 << 20 });
      ctx.add({
        key: 'lan.stream',
        measures: `one range stream over loopback: curl following ${size / MiB} MiB as ${chain.filter((a) => a === '-r').length} chained bytes=N- ranges on one connection`,
        unit: 'GB/s',
        values: [size / ((performance.now() - c0) / 1000) / 1e9],
        target: '>= 1 GB/s',
        pass: (m) => m >= 1,
      });
      const curl = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{speed_download}',
        '-H',
        `Authorization: ${auth}`,
        url,
      ]);
      ctx.add({
        key: 'lan.stream.full',
        measures: `curl fetching the whole ${size / MiB} MiB file (one 200 response) over loopback`,
        unit: 'GB/s',
        values: [Number(curl.stdout) / 1e9],
        target: '>= 1 GB/s',
        pass: (m) => m >= 1,
      });
    }

    // Time to first byte (to the response head) of bounded, 32 KiB-aligned ranges with If-Range,
    // as Chromium sends them, at random places in the file.
    const { etag } = await rangeGet(agent, url, { Authorization: auth, Range: 'bytes=0-0' });
    const ttfb: number[] = [];
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const start = Math.floor(rand() * (size / 32768 - 8)) * 32768;
      const got = await rangeGet(agent, url, {
        Authorization: auth,
        Range: `bytes=${start}-${start + 8 * 32768 - 1}`,
        'If-Range': etag,
      });
      if (got.status !== 206) throw new Error(`ttfb: ${got.status}`);
      if (i >= 100) ttfb.push(got.headMs); // after a warm-up
    }
    ctx.add({
      key: 'lan.ttfb.p50',
      measures: '256 KiB range requests with If-Range, keep-alive, request to response head',
      unit: 'ms',
      values: [quantile(ttfb, 0.5)],
      target: '< 5 ms',
      pass: (m) => m < 5,
    });
    ctx.add({
      key: 'lan.ttfb.p99',
      measures: 'the same, 99th percentile of 1,900',
      unit: 'ms',
      values: [quantile(ttfb, 0.99)],
      target: '< 50 ms',
      pass: (m) => m < 50,
    });
    agent.destroy();

    // 1,000 idle keep-alive connections, each after one small range.
    const fds = async () => (await readdir(`/proc/${d.pid}/fd`)).length;
    await new Promise((r) => setTimeout(r, 6000)); // earlier keep-alive sockets time out
    const before = await sampleProc(d.pid);
    const fdBefore = await fds();
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1000, maxFreeSockets: 1000 });
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        rangeGet(idleAgent, url, { Authorization: auth, Range: 'bytes=0-1' }),
      ),
    );
    const open1000 = Object.values(idleAgent.freeSockets).reduce((n, l) => n + (l?.length ?? 0), 0);
    const during = await sampleProc(d.pid);
    const fdDuring = await fds();
    await new Promise((r) => setTimeout(r, 6500)); // the 5 s keep-alive timeout closes them
    const after = await sampleProc(d.pid);
    const fdAfter = await fds();
    idleAgent.destroy();
    const note = `${open1000} idle sockets held by the client; fds ${fdBefore} → ${fdDuring} → ${fdAfter} after the keep-alive timeout`;
    ctx.add({
      key: 'lan.idle1000.rss',
      measures: 'daemon RSS growth with 1,000 idle keep-alive connections',
      unit: 'MiB',
      values: [(during.rssBytes - before.rssBytes) / MiB],
      note,
    });
    ctx.add({
      key: 'lan.idle1000.fds',
      measures: 'daemon file descriptors added by 1,000 idle keep-alive connections',
      unit: 'fds',
      values: [fdDuring - fdBefore],
      note,
    });
    ctx.add({
      key: 'lan.idle1000.fds.after',
      measures: 'daemon file descriptors left 6.5 s later (keep-alive timeout 5 s)',
      unit: 'fds',
      values: [fdAfter - fdBefore],
      target: '0 (bounded)',
      pass: (m) => m <= 0,
      note: `RSS after: ${((after.rssBytes - before.rssBytes) / MiB).toFixed(1)} MiB above before`,
    });
    await d.stop();
  } finally {
    await hub.close();
  }
}
