import { createHash } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../src/shared/contract';
import { Engine, type EngineOptions } from '../../src/main/core/engine';
import { MemorySecretStore, MemorySettingsStore } from '../../src/main/core/settings/store';
import type { Hub } from '../hub/emulator';

export const CORPUS = fileURLToPath(new URL('../fixtures/real', import.meta.url));

/** A temp dir, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `tcs-${prefix}-`));
}

/**
 * An engine with no server that shares one FLAC of the corpus (`<dir>/music/song.flac`), state in
 * `<dir>/state`, started and scanned. The caller stops it.
 */
export async function engineSharingOneTrack(
  dir: string,
  extra: Partial<EngineOptions> = {},
): Promise<{ engine: Engine; file: string }> {
  const music = path.join(dir, 'music');
  await mkdir(music, { recursive: true });
  const file = path.join(music, 'song.flac');
  await copyFile(path.join(CORPUS, 'flac.flac'), file);
  const settings = new MemorySettingsStore({});
  settings.update({ folders: [{ path: music, download: 'inherit', exclude: [] }] });
  const engine = await Engine.create({
    stateDir: path.join(dir, 'state'),
    settings,
    secrets: new MemorySecretStore(null),
    host: 'headless',
    version: 'test',
    ...extra,
  });
  await engine.start();
  await engine.whenScanned();
  return { engine, file };
}

/** Copies the read-only corpus into `dir` (tests that modify files). */
export async function copyCorpus(dir: string): Promise<string> {
  const dest = path.join(dir, 'corpus');
  await cp(CORPUS, dest, { recursive: true });
  return dest;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Fetches a URL and returns status, headers and the whole body. */
export async function fetchAll(
  url: string,
): Promise<{ status: number; type: string | null; length: string | null; body: Buffer }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    length: res.headers.get('content-length'),
    body,
  };
}

/** An engine on memory stores, connected to `hub` with `token`, sharing `folders`. */
export async function startEngine(
  hub: Hub,
  folders: string[],
  opts: {
    token?: string;
    settings?: Partial<Settings>;
    stateDir?: string;
    extra?: Partial<EngineOptions>;
  } = {},
): Promise<{ engine: Engine; stateDir: string; stop: () => Promise<void> }> {
  const stateDir = opts.stateDir ?? (await tempDir('state'));
  const settings = new MemorySettingsStore({});
  settings.update({
    server: hub.url,
    folders: folders.map((p) => ({ path: p, download: 'inherit', exclude: [] })),
    ...opts.settings,
  });
  const engine = await Engine.create({
    stateDir,
    settings,
    secrets: new MemorySecretStore(opts.token ?? 'tc_good'),
    host: 'headless',
    version: 'test',
    watch: { quietMs: 200, maxWaitMs: 1000, rootCheckMs: 300 },
    tunnel: { retry: { baseMs: 50, capMs: 400 } },
    ...opts.extra,
  });
  await engine.start();
  return {
    engine,
    stateDir,
    stop: async () => {
      await engine.stop();
      if (!opts.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** The hub's single session's tracks, after waiting for `predicate` over them. */
export async function waitTracks(
  hub: Hub,
  predicate: (t: ReturnType<Hub['tracks']>) => boolean,
  ms = 10_000,
) {
  await hub.waitFor(() => hub.sessions().length > 0 && predicate(hub.tracks()), ms);
  return hub.tracks();
}

/** A valid PCM WAV of about `bytes` bytes with seeded noise, so every file has its own content. */
export function makeWav(bytes: number, seed: number): Buffer {
  const dataLen = Math.max(0, bytes - 44) & ~3;
  const buf = Buffer.alloc(44 + dataLen);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + dataLen, 4);
  buf.write('WAVEfmt ', 8, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(2, 22); // stereo
  buf.writeUInt32LE(44_100, 24);
  buf.writeUInt32LE(44_100 * 4, 28);
  buf.writeUInt16LE(4, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(dataLen, 40);
  let x = seed >>> 0 || 1;
  for (let i = 44; i + 4 <= buf.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  return buf;
}
