/**
 * Where a track's picture comes from: the picture embedded in its tags (music-metadata, covers
 * included, which the scan never asks for), else an image beside it (cover.jpg, folder.jpg,
 * front.png…). Reading only, no decoding: the bytes are checked to be a raster image we serve.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as MusicMetadata from 'music-metadata';

/** music-metadata on the first cover asked for: the main thread does not parse tags otherwise. */
let mm: Promise<typeof MusicMetadata> | null = null;
import { fromFile } from '../library/file-tokenizer';

/** Image types a cover may have. SVG is never one: served from our origin it could run script. */
export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/** A picture found for a track: its bytes, their checked type, and a key equal for equal pictures. */
export interface Picture {
  data: Buffer;
  type: ImageType;
  /** Same key, same picture (an album's tracks share one): lets the store resize it once. */
  key: string;
}

/** Sidecar names by preference; any of the extensions below, any letter case. */
const SIDECAR_NAMES = ['cover', 'folder', 'front', 'album', 'albumart'];
const SIDECAR_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);
/** Larger sidecars are scans meant for printing, not covers: skipped rather than read whole. */
export const MAX_SIDECAR_BYTES = 20 * 1024 * 1024;

/** The type of an image from its first bytes, or undefined if it is not one we serve. */
export function sniffImage(data: Uint8Array): ImageType | undefined {
  const b = data;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
    return 'image/png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38)
    return 'image/gif';
  const riff = b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF';
  if (riff && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * The best sidecar image among a folder's file names (pure): `cover` before `folder` before
 * `front`…, a known image extension, any letter case. Undefined when none.
 */
export function pickSidecar(names: readonly string[]): string | undefined {
  let best: { name: string; rank: number } | undefined;
  for (const name of names) {
    const ext = path.extname(name).toLowerCase();
    if (!SIDECAR_EXTENSIONS.has(ext)) continue;
    const rank = SIDECAR_NAMES.indexOf(name.slice(0, -ext.length).toLowerCase());
    if (rank >= 0 && (!best || rank < best.rank)) best = { name, rank };
  }
  return best?.name;
}

/** The picture embedded in the file's tags (front cover first), or undefined. Rejects on a bad file. */
export async function embeddedPicture(
  filePath: string,
  signal: AbortSignal,
): Promise<Picture | undefined> {
  if (!fromFile) throw new Error('no file tokenizer in this runtime');
  // Non-blocking open of regular files only: a FIFO named like a song cannot stall a thread.
  const tokenizer = await fromFile(filePath, { abortSignal: signal, regularFileOnly: true });
  try {
    const { parseFromTokenizer, selectCover } = await (mm ??= import('music-metadata'));
    const meta = await parseFromTokenizer(tokenizer, { skipCovers: false, duration: false });
    const pictures = meta.common.picture ?? [];
    // selectCover prefers the front cover; then any picture that is a raster image we serve.
    const ordered = [selectCover(pictures), ...pictures].filter((p) => p !== null);
    for (const p of ordered) {
      const data = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
      const type = sniffImage(data);
      // Keyed by content: the same art embedded in every track of an album is resized once.
      if (type) return { data, type, key: createHash('sha1').update(data).digest('hex') };
    }
    return undefined;
  } finally {
    await tokenizer.close().catch(() => undefined);
  }
}

/** The sidecar image beside `filePath` (cover.jpg, folder.png…), or undefined. */
export async function sidecarPicture(filePath: string): Promise<Picture | undefined> {
  const dir = path.dirname(filePath);
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = pickSidecar(names);
  if (!name) return undefined;
  const file = path.join(dir, name);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile() || info.size === 0 || info.size > MAX_SIDECAR_BYTES) return undefined;
  const data = await readFile(file);
  const type = sniffImage(data);
  // The key names the file version, so every track of the album shares one resize.
  return type ? { data, type, key: `${file}\0${info.size}\0${info.mtimeMs}` } : undefined;
}
