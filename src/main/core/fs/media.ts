import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { networkTypeOf, parseMounts } from '../watch/network-fs';
import { withTimeout } from './with-timeout';

/** How long finding a folder's media may take before it counts as unknown. */
const DETECT_TIMEOUT_MS = 5000;

/**
 * What a shared folder is stored on, as far as reading it goes: `rotational` (a spinning disk: its
 * block device's queue/rotational is 1), `network` (NFS, SMB, sshfs…), `fuse` (any other FUSE file
 * system: each read is a round trip to a process, often to a disk or a network behind it),
 * `solid` (a block device that says it does not rotate), or `unknown`.
 */
export type MediaKind = 'rotational' | 'network' | 'fuse' | 'solid' | 'unknown';

/** A folder's media and how many file reads a scan keeps in flight there (0: no limit). */
export interface Media {
  kind: MediaKind;
  /** The file system type and device, for the log ("ext4 on vda"). */
  detail: string;
  readsInFlight: number;
}

/**
 * Reads a scan keeps in flight per kind. On a disk whose every read may cost a seek, two files read
 * at once cost more than one after the other: each read is split into requests (FUSE sends at most
 * 128 KiB at a time, the block layer its own maximum), and requests of two files interleaved make
 * the arm seek between them on every piece. One file at a time keeps each file's reads contiguous;
 * parsing still runs on every core while the next file is read (the parse pool reads and parses
 * different files). A NAS is usually such a disk behind a network, and a FUSE file system often is
 * too, so both get the same rule. Solid state and unknown media keep the default (no limit).
 */
export const READS_IN_FLIGHT: Record<MediaKind, number> = {
  rotational: 1,
  network: 1,
  fuse: 1,
  solid: 0,
  unknown: 0,
};

/** The kind for a mount of file system `type` whose block device reports `rotational` (pure). */
export function classifyMedia(type: string, rotational: boolean | undefined): MediaKind {
  if (networkTypeOf([{ mountPoint: '/', type }], '/')) return 'network';
  if (type === 'fuse' || type === 'fuseblk' || type.startsWith('fuse.')) return 'fuse';
  if (rotational === undefined) return 'unknown';
  return rotational ? 'rotational' : 'solid';
}

/**
 * `TUNECAMP_SCAN_READS`, when set to a whole number, replaces the limit on every folder (0: no
 * limit): to compare both ways on a given disk. Anything else is an error the caller reports.
 */
export function readsOverride(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1024) {
    throw new Error(`TUNECAMP_SCAN_READS must be a whole number from 0 to 1024, not "${value}"`);
  }
  return n;
}

/**
 * The media `root` lives on (Linux: /proc/mounts and /sys/dev/block; elsewhere `unknown`). Never
 * rejects: anything it cannot read makes the kind `unknown`, which keeps the default. An invalid
 * TUNECAMP_SCAN_READS rejects, so that a typo is not silently ignored.
 */
export async function mediaOf(root: string, env = process.env): Promise<Media> {
  const override = readsOverride(env.TUNECAMP_SCAN_READS);
  // A dead network mount can hang realpath or stat: then the kind is unknown, not a stuck scan.
  const found = await withTimeout(detect(root), DETECT_TIMEOUT_MS).catch(() => ({
    kind: 'unknown' as const,
    detail: 'unknown',
  }));
  const readsInFlight = override ?? READS_IN_FLIGHT[found.kind];
  return { ...found, readsInFlight };
}

async function detect(root: string): Promise<{ kind: MediaKind; detail: string }> {
  if (process.platform !== 'linux') return { kind: 'unknown', detail: process.platform };
  const [text, real, st] = await Promise.all([
    readFile('/proc/mounts', 'utf8'),
    realpath(root),
    stat(root),
  ]);
  const mount = longestMount(text, real);
  if (!mount) return { kind: 'unknown', detail: 'no mount found' };
  const rotational = await rotationalOf(st.dev, mount.source);
  const kind = classifyMedia(mount.type, rotational);
  return { kind, detail: `${mount.type} on ${mount.source}` };
}

/** The mount holding `dir` (the longest mount point that contains it), with its source device. */
function longestMount(text: string, dir: string): { type: string; source: string } | undefined {
  const sources = text.split('\n').map((l) => l.split(' ')[0] ?? '');
  let best: { type: string; source: string; len: number } | undefined;
  parseMounts(text).forEach((m, i) => {
    const rel = path.posix.relative(m.mountPoint, dir);
    const inside = rel === '' || (!rel.startsWith('..') && !path.posix.isAbsolute(rel));
    if (inside && (!best || m.mountPoint.length >= best.len))
      best = { type: m.type, source: sources[i] ?? '', len: m.mountPoint.length };
  });
  return best;
}

/**
 * queue/rotational of the block device behind `dev` (a partition's is its disk's), or of `source`
 * when `dev` is not a block device (btrfs and others report an anonymous device number).
 */
async function rotationalOf(dev: number, source: string): Promise<boolean | undefined> {
  // Linux's dev_t: minor in bits 0-7 and 20-31, major in bits 8-19.
  const major = (dev >>> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
  const candidates = [`/sys/dev/block/${major}:${minor}`];
  if (source.startsWith('/dev/')) {
    const name = path.basename(await realpath(source).catch(() => source));
    candidates.push(`/sys/class/block/${name}`);
  }
  for (const c of candidates) {
    const dir = await realpath(c).catch(() => undefined);
    if (!dir) continue;
    for (const q of [path.join(dir, 'queue'), path.join(dir, '..', 'queue')]) {
      const v = await readFile(path.join(q, 'rotational'), 'utf8').catch(() => undefined);
      if (v !== undefined) return v.trim() === '1';
    }
  }
  return undefined;
}

/** "rotational (ext4 on /dev/sda1), 1 file read at a time": for the log. */
export function describeMedia(m: Media): string {
  const reads =
    m.readsInFlight > 0 ? `${m.readsInFlight} file read at a time` : 'reads not limited';
  return `${m.kind} (${m.detail}), ${m.readsInFlight > 1 ? reads.replace('file read', 'files read') : reads}`;
}
