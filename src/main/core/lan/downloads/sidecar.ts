/**
 * The sidecar beside a `.part` file: what the part holds and how much of it is known to be on
 * disk. It is rewritten atomically (temp file, fsync, rename) and only after the part itself was
 * fsynced, so after any crash `confirmed` never exceeds the durable bytes of the part.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';

/** What a `.part` holds: bytes `0..confirmed-1` of the version `etag` of `url`. */
export interface Sidecar {
  v: 1;
  url: string;
  trackId: string;
  /** The strong ETag those bytes came with, sent as If-Range; '' (none) means no resume. */
  etag: string;
  /** The whole file's size for that version. */
  size: number;
  /** Bytes from the start that are fsynced in the part. */
  confirmed: number;
}

/** The part and sidecar paths of a destination file. */
export function partPaths(dest: string): { part: string; sidecar: string } {
  return { part: `${dest}.part`, sidecar: `${dest}.part.json` };
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * Reads a sidecar; undefined when missing, damaged, or for another source (the part then starts
 * over). It comes from disk, so every field is checked before it is trusted.
 */
export async function readSidecar(
  file: string,
  expect: { url: string; trackId: string },
): Promise<Sidecar | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const s = raw as Partial<Sidecar> | null;
  if (
    !s ||
    s.v !== 1 ||
    s.url !== expect.url ||
    s.trackId !== expect.trackId ||
    typeof s.etag !== 'string' ||
    !(s.etag === '' || /^"[^"]*"$/.test(s.etag)) ||
    !isCount(s.size) ||
    !isCount(s.confirmed) ||
    s.confirmed > s.size
  )
    return undefined;
  return s as Sidecar;
}

/** Replaces the sidecar atomically; the caller has fsynced the part up to `confirmed`. */
export async function writeSidecar(file: string, s: Sidecar): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(s) + '\n');
}

/** Removes a part and its sidecar (sidecar first: a part without one is simply started over). */
export async function removePart(dest: string): Promise<void> {
  const { part, sidecar } = partPaths(dest);
  await rm(sidecar, { force: true });
  await rm(part, { force: true });
}

/**
 * Removes the temp files a killed process left while replacing this download's sidecar
 * (`.NAME.part.json.PID.RANDOM.tmp`, see atomic-write.ts): they sit in the user's music folder.
 */
export async function removeStaleTemps(dest: string): Promise<void> {
  const prefix = `.${path.basename(dest)}.part.json.`;
  const names = await readdir(path.dirname(dest)).catch(() => [] as string[]);
  for (const n of names)
    if (n.startsWith(prefix) && n.endsWith('.tmp'))
      await rm(path.join(path.dirname(dest), n), { force: true });
}
