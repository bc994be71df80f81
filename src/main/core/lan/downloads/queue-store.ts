/**
 * The download queue's own state file (`<stateDir>/downloads.json`): which tracks are waiting,
 * paused or failed, so a restarted app carries on. Bytes and versions live in each `.part`'s
 * sidecar, beside the file; this list only says what to fetch and where.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../fs/atomic-write';

/** One remembered download. */
export interface StoredDownload {
  key: string;
  peer: string;
  trackId: string;
  relPath: string;
  destDir: string;
  state: 'queued' | 'paused' | 'failed';
  error?: string;
}

const TRACK_ID = /^[0-9a-f]{32}$/;

/** Whether `peer` is a base URL the downloader may use (http or https, no credentials). */
export function isPeerUrl(peer: string): boolean {
  try {
    const u = new URL(peer);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Whether `id` has the shape of our track ids (32 lowercase hex characters). */
export function isTrackId(id: string): boolean {
  return TRACK_ID.test(id);
}

/** Reads the list; a missing file is empty, and entries that do not check out are dropped. */
export async function loadDownloads(file: string): Promise<StoredDownload[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    // A damaged list loses the queue, never the bytes: every .part keeps its sidecar.
    return [];
  }
  const list = (raw as { downloads?: unknown } | null)?.downloads;
  if (!Array.isArray(list)) return [];
  return list.filter((d): d is StoredDownload => {
    const x = d as Partial<StoredDownload> | null;
    return (
      !!x &&
      typeof x.key === 'string' &&
      typeof x.peer === 'string' &&
      isPeerUrl(x.peer) &&
      typeof x.trackId === 'string' &&
      isTrackId(x.trackId) &&
      typeof x.relPath === 'string' &&
      typeof x.destDir === 'string' &&
      (x.state === 'queued' || x.state === 'paused' || x.state === 'failed') &&
      (x.error === undefined || typeof x.error === 'string')
    );
  });
}

/** Replaces the list atomically. */
export async function saveDownloads(file: string, list: StoredDownload[]): Promise<void> {
  await writeFileAtomic(file, JSON.stringify({ v: 1, downloads: list }, null, 1) + '\n', {
    mode: 0o600,
  });
}

/** What is worth remembering of a list of downloads: the unfinished ones (active ones queued). */
export function toStored(
  all: (Omit<StoredDownload, 'state'> & {
    state: StoredDownload['state'] | 'active' | 'done' | 'cancelled';
  })[],
): StoredDownload[] {
  const list: StoredDownload[] = [];
  for (const s of all) {
    if (s.state === 'done' || s.state === 'cancelled') continue;
    const state = s.state === 'active' ? 'queued' : s.state;
    const { key, peer, trackId, relPath, destDir, error } = s;
    list.push({ key, peer, trackId, relPath, destDir, state, error });
  }
  return list;
}
