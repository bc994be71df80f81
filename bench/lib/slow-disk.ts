/**
 * The slow disk of the `cold` scenario: `bench/slow-disk.py` (a FUSE pass-through, fusepy) mounts a
 * corpus read-only with one disk arm's delays, so a scan through it pays for every seek it causes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './daemon';

/** The Python that has Debian's python3-fusepy (not a pyenv one). */
const PYTHON = '/usr/bin/python3';

/** Seek and transfer model handed to slow-disk.py (see its doc string). */
export const SLOW_DISK = { seekMs: 8, mbPerS: 150 };

/** What the disk served while mounted. */
export interface SlowDiskStats {
  seeks: number;
  reads: number;
  bytes: number;
  readdirs: number;
  /** Seconds the modelled arm was busy. */
  busy_s: number;
}

/** A mounted slow disk; `unmount` resolves with its counters. */
export interface SlowDisk {
  dir: string;
  unmount(): Promise<SlowDiskStats>;
}

/** Why the slow disk cannot run here, or undefined when it can (root, /dev/fuse, fusepy). */
export function slowDiskMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (FUSE mounts without fusermount)';
  try {
    execFileSync('test', ['-c', '/dev/fuse']);
  } catch {
    return '/dev/fuse is missing';
  }
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'ignore' });
  } catch {
    return `${PYTHON} cannot import fusepy (apt-get install -y python3-fusepy)`;
  }
  return undefined;
}

/** How the disk behaves: the seek model, and (the fault suite) a file of injected errors. */
export interface SlowDiskOptions {
  seekMs?: number;
  mbPerS?: number;
  /** JSON `{ "file name": "EIO" }`, read at every open and read (see slow-disk.py). */
  faults?: string;
}

/** Mounts `source` at `mountpoint` (made if missing) through the slow disk; waits until mounted. */
export async function mountSlowDisk(
  source: string,
  mountpoint: string,
  opts: SlowDiskOptions = {},
): Promise<SlowDisk> {
  await mkdir(mountpoint, { recursive: true });
  const statsFile = `${mountpoint}.stats.json`;
  await rm(statsFile, { force: true });
  const args = [path.join(ROOT, 'bench', 'slow-disk.py'), source, mountpoint];
  const { seekMs = SLOW_DISK.seekMs, mbPerS = SLOW_DISK.mbPerS } = opts;
  args.push('--seek-ms', String(seekMs), '--mb-per-s', String(mbPerS));
  if (opts.faults) args.push('--faults', opts.faults);
  const child = spawn(PYTHON, [...args, '--stats', statsFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const parentDev = (await stat(path.dirname(mountpoint))).dev;
  const deadline = performance.now() + 10_000;
  while ((await stat(mountpoint)).dev === parentDev) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`slow disk did not mount at ${mountpoint}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir: mountpoint,
    async unmount() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        // Busy (a reader still holds a file): detach it, then the process can end.
        try {
          execFileSync('umount', ['-l', mountpoint]);
        } catch {
          child.kill('SIGKILL');
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
      return JSON.parse(await readFile(statsFile, 'utf8')) as SlowDiskStats;
    },
  };
}
