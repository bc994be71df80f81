/**
 * A resumed LAN download (`--only lan-resume`, issue 13): the daemon shares one large WAV with
 * `--lan`; `tunecamp-share get` downloads it through a counting TCP proxy, is killed with SIGKILL
 * once its sidecar confirms half the file, then runs again to the end. Figures: bytes that crossed
 * the network twice (everything the proxy carried to the downloader, minus the file's size; HTTP
 * heads included), and whether the result is byte-identical (SHA-256 of both files).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from '../lib/context';
import { CLI } from '../lib/daemon';
import { startBenchHub, waitPublished } from '../lib/hub';
import { freePort } from './lan';
import { wavHeader } from '../lib/wav';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** A TCP proxy to `port` counting the bytes it carries back to the client. */
async function countingProxy(
  port: number,
): Promise<{ port: number; down(): number; close(): void }> {
  let down = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    upstream.on('data', (d: Buffer) => (down += d.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    down: () => down,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/**
 * A WAV-named file of random bytes after a 44-byte header (the scanner publishes it by extension).
 * Random, not a repeating pattern: bytes joined at a wrong offset must change the hash.
 */
async function writeNoise(file: string, bytes: number): Promise<void> {
  const fh = await open(file, 'w');
  await fh.write(wavHeader(bytes));
  const piece = Buffer.alloc(8 * MiB);
  for (let left = bytes - 44; left > 0; left -= piece.length)
    await fh.write(randomFillSync(piece), 0, Math.min(left, piece.length));
  await fh.close();
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB })) h.update(chunk);
  return h.digest('hex');
}

/** `get` in a child process; with `killAt`, SIGKILL once the sidecar confirms that many bytes. */
async function getRun(args: string[], sidecar: string, killAt?: number): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'get', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<string>((r) => child.on('exit', (c, s) => r(s ?? String(c))));
  if (killAt !== undefined) {
    for (;;) {
      const s = await readFile(sidecar, 'utf8').then(JSON.parse, () => null);
      if (s && s.confirmed >= killAt) break;
      if (child.exitCode !== null) throw new Error(`get ended before the kill: ${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
  }
  const how = await exited;
  if (killAt === undefined && how !== '0') throw new Error(`get failed (${how}): ${err}`);
  return how;
}

/** Runs the resume figure against a daemon started with --lan. */
export async function lanResume(ctx: BenchContext): Promise<void> {
  const dir = await ctx.tempDir('lan-resume');
  const music = path.join(dir, 'music');
  const stateDir = path.join(dir, 'state');
  const dest = path.join(dir, 'downloads');
  await mkdir(music, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const size = (ctx.config.quick ? 256 : 1024) * MiB;
  const source = path.join(music, 'big.wav');
  await writeNoise(source, size);
  const token = (
    await run(process.execPath, [CLI, 'lan-token', 'create', 'bench', '--state-dir', stateDir])
  ).stdout.trim();
  await writeFile(path.join(dir, 'token'), token);
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
    const proxy = await countingProxy(port);
    const args = [
      `http://127.0.0.1:${proxy.port}`,
      `${id}=big.wav`,
      '--to',
      dest,
      '--token-file',
      path.join(dir, 'token'),
    ];
    const sidecar = path.join(dest, 'big.wav.part.json');
    const t0 = performance.now();
    const killed = await getRun(args, sidecar, size / 2);
    const firstRun = proxy.down();
    const kept = (JSON.parse(await readFile(sidecar, 'utf8')) as { confirmed: number }).confirmed;
    const t1 = performance.now();
    await getRun(args, sidecar);
    const seconds = (performance.now() - t1) / 1000;
    const total = proxy.down();
    proxy.close();
    const identical = (await sha256(path.join(dest, 'big.wav'))) === (await sha256(source));
    const note = `killed (${killed}) after ${(firstRun / MiB).toFixed(1)} MiB carried, ${(kept / MiB).toFixed(1)} MiB confirmed in the sidecar, in ${((t1 - t0) / 1000).toFixed(1)} s; resumed run ${((total - firstRun) / MiB).toFixed(1)} MiB in ${seconds.toFixed(1)} s; byte-identical: ${identical ? 'yes' : 'NO'}`;
    ctx.add({
      key: 'lan.resume.refetched',
      measures: `a ${size / MiB} MiB download killed (SIGKILL) at 50 % and resumed: bytes carried twice`,
      unit: 'MiB',
      values: [(total - size) / MiB],
      target: '< 8 MiB, byte-identical',
      pass: (m) => m < 8 && identical,
      note,
    });
    ctx.add({
      key: 'lan.resume.identical',
      measures: 'the resumed file equals the source (SHA-256)',
      unit: 'yes=1',
      values: [identical ? 1 : 0],
      target: '1',
      pass: (m) => m === 1,
    });
    await d.stop();
  } finally {
    await hub.close();
  }
}
