/**
 * Real FFmpeg as a third-party client of the LAN server on 127.0.0.1: it streams a track with a
 * Bearer device token (`-headers`), seeks with `-ss` (which asks `Range: bytes=N-` with
 * `Connection: close`), and reads the duration; without a token, or with a revoked one, it fails
 * on the 401. The binary is the static build shipped inside the @ffmpeg-installer npm package.
 * What it decodes over HTTP is compared byte for byte with what it decodes from the file itself.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, trackId, type Rig } from './helpers';

const exec = promisify(execFile);

/** The shipped ffmpeg; on Linux x64 (here and CI) a missing one fails the suite, never skips it. */
function findFfmpeg(): string | undefined {
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (err) {
    if (process.platform === 'linux' && process.arch === 'x64') throw err;
    return undefined;
  }
}
const FFMPEG = findFfmpeg();

interface Seen {
  id: string;
  range?: string;
  connection?: string;
  status: number;
  contentRange?: string;
}

const MP3 = trackId(1);
const FLAC = trackId(2);
/** Seconds in each generated track. */
const SECONDS = 60;
/** The server's body cap here; both files are several times larger. */
const CAP = 256 * 1024;

let rig: Rig;
const seen: Seen[] = [];
const files = new Map<string, string>();

/** Runs ffmpeg; resolves with its exit code and stderr whatever the code. */
async function ffmpeg(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const r = await exec(FFMPEG!, ['-hide_banner', '-nostdin', ...args], {
      maxBuffer: 16 << 20,
      timeout: 60_000,
    });
    return { code: 0, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stderr: e.stderr ?? String(err) };
  }
}

/** `-headers` carrying the device token (FFmpeg wants each header line ended by CRLF). */
const bearer = (token: string) => ['-headers', `Authorization: Bearer ${token}\r\n`];

/** Decodes `input` (URL or path) to raw 16-bit PCM at `out`, with optional `-ss`/`-t`. */
async function decode(
  input: string,
  out: string,
  o: { token?: string; ss?: number; t?: number; recvBuffer?: number; input?: string[] } = {},
): Promise<{ code: number; stderr: string; pcm: Buffer }> {
  const r = await ffmpeg([
    ...(o.token !== undefined ? bearer(o.token) : []),
    ...(o.recvBuffer !== undefined ? ['-recv_buffer_size', String(o.recvBuffer)] : []),
    ...(o.input ?? []),
    ...(o.ss !== undefined ? ['-ss', String(o.ss)] : []),
    '-i',
    input,
    ...(o.t !== undefined ? ['-t', String(o.t)] : []),
    '-f',
    's16le',
    '-y',
    out,
  ]);
  const pcm = r.code === 0 ? await readFile(out) : Buffer.alloc(0);
  return { ...r, pcm };
}

const BYTES_PER_SECOND = 44_100 * 2 * 2; // stereo s16le at 44.1 kHz

beforeAll(async () => {
  if (!FFMPEG) return;
  rig = await startRig({ maxRangeBytes: CAP }, (req, res) => {
    const entry: Seen = {
      id: req.url?.split('/').pop() ?? '',
      range: req.headers.range,
      connection: req.headers.connection,
      status: 0,
    };
    seen.push(entry);
    res.once('close', () => {
      entry.status = res.statusCode;
      entry.contentRange = res.getHeader('content-range') as string | undefined;
    });
  });
  // A tone with some noise, so every second decodes to different samples.
  const src = [
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${SECONDS}:sample_rate=44100`,
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=d=${SECONDS}:a=0.05:seed=7`,
    '-filter_complex',
    'amix=inputs=2',
    '-ac',
    '2',
    '-ar',
    '44100',
  ];
  for (const [id, name, codec] of [
    [MP3, 'long.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    [FLAC, 'long.flac', ['-c:a', 'flac']],
  ] as const) {
    const file = path.join(rig.dir, `src-${name}`);
    const r = await ffmpeg([...src, ...codec, '-y', file]);
    if (r.code !== 0) throw new Error(`could not make ${name}: ${r.stderr.slice(-500)}`);
    const data = await readFile(file);
    await rig.addTrack(id, data, name.endsWith('.mp3') ? 'audio/mpeg' : 'audio/flac', name);
    files.set(id, file);
  }
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

describe.skipIf(!FFMPEG)('FFmpeg against the LAN server (Bearer token)', () => {
  it('the generated tracks are larger than the body cap, so one capped answer cannot hold them', () => {
    for (const id of [MP3, FLAC]) expect(rig.tracks.get(id)!.size).toBeGreaterThan(3 * CAP);
  });

  for (const [label, id] of [
    ['MP3', MP3],
    ['FLAC', FLAC],
  ] as const) {
    it(`streams the whole ${label}: the same samples as decoding the file, and the duration`, async () => {
      seen.length = 0;
      const local = await decode(files.get(id)!, path.join(rig.dir, 'local.pcm'));
      expect(local.code).toBe(0);
      const r = await decode(rig.url(id), path.join(rig.dir, 'http.pcm'), { token: rig.token });
      expect(r.code, r.stderr.slice(-800)).toBe(0);
      // The duration FFmpeg read over HTTP (STREAMINFO for FLAC; size and bitrate for CBR MP3).
      const d = /Duration: (\d+):(\d+):([\d.]+)/.exec(r.stderr);
      expect(d).not.toBeNull();
      expect(Number(d![1]) * 3600 + Number(d![2]) * 60 + Number(d![3])).toBeCloseTo(SECONDS, 0);
      expect(r.pcm.length).toBeGreaterThan((SECONDS - 0.5) * BYTES_PER_SECOND);
      expect(r.pcm.equals(local.pcm)).toBe(true);
      const mine = seen.filter((s) => s.id === id);
      expect(mine[0]?.range).toBe('bytes=0-');
      expect(mine.every((s) => s.status === 206)).toBe(true);
      // FFmpeg closes after each answer, so it got what it asked for, not the capped 256 KiB.
      expect(mine[0]?.connection?.toLowerCase()).toBe('close');
      expect(mine[0]?.contentRange).toBe(
        `bytes 0-${rig.tracks.get(id)!.size - 1}/${rig.tracks.get(id)!.size}`,
      );
    });

    it(`seeks into the ${label} with -ss: a Range from the middle, the same samples as from the file`, async () => {
      seen.length = 0;
      const at = 37;
      // FFmpeg seeks in an MP3 by reading every frame from the start unless it may jump by the
      // Xing table of contents (`-usetoc 1`), as a player seeking in a long file would.
      const input = id === MP3 ? ['-usetoc', '1'] : [];
      const local = await decode(files.get(id)!, path.join(rig.dir, 'local-seek.pcm'), {
        ss: at,
        t: 5,
        input,
      });
      expect(local.code).toBe(0);
      // FFmpeg reads forward instead of seeking when the target is within its socket's receive
      // buffer, which the kernel grows on loopback (to MBs): a fixed 64 KiB buffer makes the
      // seek a new request every time, as it is on a real network for any distant target.
      const r = await decode(rig.url(id), path.join(rig.dir, 'http-seek.pcm'), {
        token: rig.token,
        ss: at,
        t: 5,
        recvBuffer: 65536,
        input,
      });
      expect(r.code, r.stderr.slice(-800)).toBe(0);
      expect(r.pcm.length).toBeCloseTo(5 * BYTES_PER_SECOND, -4);
      expect(r.pcm.equals(local.pcm)).toBe(true);
      const size = rig.tracks.get(id)!.size;
      const starts = seen
        .filter((s) => s.id === id)
        .map((s) => Number(/^bytes=(\d+)-$/.exec(s.range ?? '')?.[1]));
      console.log(`ffmpeg -ss ${at} ${label}: ranges from ${starts.join(', ')} of ${size}`);
      // A seek to 37 of 60 s asks from well inside the file (FLAC bisects: several requests).
      expect(starts.some((b) => b > size * 0.4 && b < size * 0.8)).toBe(true);
      expect(seen.every((s) => s.status === 206)).toBe(true);
    });
  }

  it('without a token, or with a wrong one, ffmpeg exits non-zero on the 401', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const r = await decode(rig.url(MP3), path.join(rig.dir, 'none.pcm'), { token });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/401 Unauthorized/);
    }
  });

  it('a revoked token gets 401: the stream that worked before fails after', async () => {
    const { token } = await rig.tokens.create('tablet');
    const before = await decode(rig.url(MP3), path.join(rig.dir, 'tablet.pcm'), {
      token,
      t: 1,
    });
    expect(before.code, before.stderr.slice(-500)).toBe(0);
    expect(await rig.tokens.revoke('tablet')).toBe(true);
    const after = await decode(rig.url(MP3), path.join(rig.dir, 'tablet2.pcm'), { token });
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/401 Unauthorized/);
  });
});
