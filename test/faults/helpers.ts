import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** `npm run faults` (vitest.faults.config.ts) sets this: run every case at full length. */
export const FULL = process.env.TUNECAMP_FAULTS === 'full';

/** A temp dir for one test. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `tcs-fault-${prefix}-`));
}

function probeMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const dir = path.join(os.tmpdir(), `tcs-fault-probe-${process.pid}`);
  spawnSync('mkdir', ['-p', dir]);
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  spawnSync('rmdir', [dir]);
  return ok;
}

/** True when this process may mount file systems (root on Linux, with CAP_SYS_ADMIN). */
export const CAN_MOUNT = probeMount();

/** Says once, on stderr, which cases skip and why (vitest alone shows only "skipped"). */
export function sayIfSkipped(what: string): void {
  if (!CAN_MOUNT)
    process.stderr.write(
      `faults: ${what} skipped: it needs root on Linux to mount a tmpfs (run npm run faults as root)\n`,
    );
}

/** A mounted tmpfs of `bytes` at a new folder; `unmount()` removes it (lazily if busy). */
export interface Tmpfs {
  dir: string;
  unmount(): Promise<void>;
  /** Remounts it read-only (`ro: true`) or read-write. */
  remount(ro: boolean): void;
}

/** Mounts a size-limited tmpfs (the test's own; removed by `unmount`). Root only. */
export async function mountTmpfs(bytes: number): Promise<Tmpfs> {
  const dir = await tempDir('tmpfs');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir]);
  return {
    dir,
    remount: (ro) => void execFileSync('mount', ['-o', `remount,${ro ? 'ro' : 'rw'}`, dir]),
    unmount: async () => {
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
      await rmdir(dir).catch(() => undefined);
    },
  };
}

/**
 * Fills the file system holding `dir` until writes fail with ENOSPC; returns the filler's path
 * (remove it to give the space back). `leave` bytes are given back at once.
 */
export async function fillDisk(dir: string, leave = 0): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'filler.bin');
  const fh = await open(file, 'w');
  const block = Buffer.alloc(4096, 0x5a);
  let written = 0;
  try {
    for (;;) {
      const { bytesWritten } = await fh.write(block);
      written += bytesWritten;
      if (bytesWritten < block.length) break;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  if (leave > 0) await fh.truncate(Math.max(0, written - leave));
  await fh.close();
  return file;
}

/** Frees what `fillDisk` took. */
export async function freeDisk(filler: string): Promise<void> {
  await rm(filler, { force: true });
}

/** A seeded generator of 32-bit numbers (xorshift), so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** The damages of issue 15: one bit flipped at `at`, the file cut in half, or emptied. */
export type Damage =
  { kind: 'flip'; at: number; bit: number } | { kind: 'half' } | { kind: 'empty' };

/** `bytes` with `d` applied (a copy). */
export function damage(bytes: Buffer, d: Damage): Buffer {
  if (d.kind === 'empty') return Buffer.alloc(0);
  if (d.kind === 'half') return Buffer.from(bytes.subarray(0, bytes.length >> 1));
  const out = Buffer.from(bytes);
  out[d.at] = (out[d.at] ?? 0) ^ (1 << d.bit);
  return out;
}

/** Every damage to try on a file of `length` bytes: half, empty, and `flips` seeded bit flips. */
export function damages(length: number, flips: number, seed = 15): Damage[] {
  const next = prng(seed);
  const out: Damage[] = [{ kind: 'half' }, { kind: 'empty' }];
  for (let i = 0; i < flips; i++) out.push({ kind: 'flip', at: next() % length, bit: next() % 8 });
  return out;
}

/** A damage in words, for test names and failure messages. */
export function describeDamage(d: Damage): string {
  return d.kind === 'flip' ? `bit ${d.bit} of byte ${d.at} flipped` : `file ${d.kind}`;
}

/**
 * Streams `url` to its end (or until it is cut), running `fault` once more than `atBytes` have
 * arrived. Returns the status, every byte that arrived, whether the fault ran, and how it ended.
 */
export async function streamWithFault(
  url: string,
  atBytes: number,
  fault: () => Promise<void> | void,
): Promise<{ status: number; body: Buffer; faulted: boolean; ended: string }> {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const parts: Buffer[] = [];
  let received = 0;
  let faulted = false;
  let ended = 'complete';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
      received += value.length;
      if (!faulted && received > atBytes) {
        faulted = true;
        await fault();
      }
    }
  } catch (err) {
    ended = `cut: ${(err as Error).message}`;
  }
  return { status: res.status, body: Buffer.concat(parts), faulted, ended };
}
