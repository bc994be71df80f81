/**
 * Generators for the large-library faults of issue 15: a folder of 100,000 entries and trees deep
 * enough to pass PATH_MAX. Kept apart from the test so it can be run by hand
 * (`node --import tsx test/faults/big-tree.ts DIR`).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/** A 44-byte WAV header for `dataLen` bytes of 16-bit stereo PCM at 44.1 kHz. */
export function wavHeader(dataLen: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, 36 + dataLen), 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(2, 22);
  h.writeUInt32LE(44_100, 24);
  h.writeUInt32LE(44_100 * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, dataLen), 40);
  return h;
}

/**
 * A tiny valid WAV whose bytes are unique to `n` (ids are content fingerprints: hard links or
 * copies of one file would be one track). 44 + 64 bytes: 16 stereo frames.
 */
export function tinyWav(n: number): Buffer {
  const b = Buffer.alloc(44 + 64);
  wavHeader(64).copy(b);
  b.writeUInt32LE(n >>> 0, 44);
  b.writeUInt32LE(0x7c5a3e11, 48);
  return b;
}

/** What `bigFolder` wrote. */
export interface BigFolder {
  audio: number;
  junk: number;
}

/**
 * `entries` files directly in `dir`: every tenth a non-audio file (text, a fake JPEG, an `.nfo`,
 * a `.cue` without audio), the rest unique tiny WAVs. Written `parallel` at a time.
 */
export async function bigFolder(dir: string, entries: number, parallel = 64): Promise<BigFolder> {
  await mkdir(dir, { recursive: true });
  const junkExt = ['txt', 'jpg', 'nfo', 'log', 'cue'];
  let audio = 0;
  let junk = 0;
  let next = 0;
  const one = async (i: number) => {
    const isJunk = i % 10 === 9;
    const name = isJunk
      ? `junk-${String(i).padStart(6, '0')}.${junkExt[Math.floor(i / 10) % junkExt.length]}`
      : `track-${String(i).padStart(6, '0')}.wav`;
    if (isJunk) junk++;
    else audio++;
    const fh = await open(path.join(dir, name), 'wx');
    await fh.write(isJunk ? Buffer.from(`not audio ${i}\n`) : tinyWav(i));
    await fh.close();
  };
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < entries; i = next++) await one(i);
    }),
  );
  return { audio, junk };
}

/** What `deepTree` wrote: how many tracks lie within PATH_MAX and how many beyond it. */
export interface DeepTree {
  /** Tracks whose absolute path is shorter than `pathMax`. */
  reachable: number;
  /** Tracks whose path (or a parent folder's) is `pathMax` bytes or longer. */
  tooLong: number;
  /** Of those, the ones in a folder whose own path is still short enough to be read. */
  tooLongInReadableFolder: number;
  /** Absolute path length of the deepest file. */
  deepestPath: number;
}

/**
 * A chain of `levels` folders named `name(level)` under `root`, with a unique tiny WAV at each
 * level where `trackAt(level)` holds. Made by a child process that walks down with relative
 * `chdir`s, since absolute paths past PATH_MAX cannot be used in one system call. `seed` keeps the
 * WAVs of different trees distinct.
 */
export function deepTree(
  root: string,
  levels: number,
  name: (level: number) => string,
  trackAt: (level: number) => boolean,
  seed: number,
  o: { pathMax?: number; longNames?: boolean } = {},
): DeepTree {
  const pathMax = o.pathMax ?? 4096;
  // With longNames, each track level also holds a file with a 240-byte name (NAME_MAX is 255).
  const longName = (level: number) => `${'n'.repeat(240)}-${level}.wav`;
  const names = Array.from({ length: levels }, (_, i) => name(i + 1));
  const tracks = names.map((_, i) => trackAt(i + 1));
  const script = `
    const fs = require('node:fs');
    const [names, tracks, seed, header, longNames] = JSON.parse(process.argv[1]);
    process.chdir(process.argv[2]);
    names.forEach((n, i) => {
      fs.mkdirSync(n);
      process.chdir(n);
      if (!tracks[i]) return;
      const b = Buffer.alloc(44 + 64);
      Buffer.from(header, 'hex').copy(b);
      b.writeUInt32LE((seed + i) >>> 0, 44);
      b.writeUInt32LE(0x5e1ec7ed, 48);
      fs.writeFileSync('level-' + (i + 1) + '.wav', b);
      if (!longNames) return;
      b.writeUInt32LE(0x10a6 + i, 52);
      fs.writeFileSync('n'.repeat(240) + '-' + (i + 1) + '.wav', b);
    });`;
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      script,
      JSON.stringify([names, tracks, seed, wavHeader(64).toString('hex'), !!o.longNames]),
      root,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`deepTree: ${r.stderr}`);
  let len = path.resolve(root).length;
  const out: DeepTree = { reachable: 0, tooLong: 0, tooLongInReadableFolder: 0, deepestPath: 0 };
  names.forEach((n, i) => {
    len += 1 + n.length;
    if (!tracks[i]) return;
    const files = [`level-${i + 1}.wav`, ...(o.longNames ? [longName(i + 1)] : [])];
    for (const f of files) {
      const file = len + 1 + f.length;
      out.deepestPath = Math.max(out.deepestPath, file);
      // PATH_MAX counts the terminating NUL: a path of pathMax bytes or more is refused.
      if (file + 1 <= pathMax) out.reachable++;
      else {
        out.tooLong++;
        if (len + 1 <= pathMax) out.tooLongInReadableFolder++;
      }
    }
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? '/tmp/big-tree';
  const t0 = performance.now();
  console.log(await bigFolder(path.join(dir, 'flat'), Number(process.argv[3] ?? 100_000)));
  await mkdir(path.join(dir, 'deep'), { recursive: true });
  await mkdir(path.join(dir, 'long'), { recursive: true });
  console.log(
    deepTree(
      path.join(dir, 'deep'),
      200,
      (l) => `d${l}`,
      () => true,
      1e6,
    ),
  );
  console.log(
    deepTree(
      path.join(dir, 'long'),
      200,
      (l) => `level-${String(l).padStart(3, '0')}-${'x'.repeat(20)}`,
      (l) => l % 5 === 0,
      2e6,
      { longNames: true },
    ),
  );
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
