import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** Files up to this size are hashed whole. */
export const WHOLE_HASH_LIMIT = 192 * 1024;
/** Larger files are hashed by three samples of this size: start, middle, end. */
export const SAMPLE_SIZE = 64 * 1024;

/** Offsets of the three samples of a file larger than WHOLE_HASH_LIMIT. */
export function sampleOffsets(size: number): [number, number, number] {
  return [0, Math.floor((size - SAMPLE_SIZE) / 2), size - SAMPLE_SIZE];
}

/**
 * The stable track id: 32 lowercase hex chars of sha256 over the size and the content (whole when
 * small, else start/middle/end samples). It depends only on the bytes, never on the path or mtime, so
 * it survives restarts, `touch`, renames and moves, and changes when the audio is replaced.
 */
export function idFromContent(size: number, content: Uint8Array | Uint8Array[]): string {
  const h = createHash('sha256');
  h.update(`tunecamp-share:v1:${size}\n`);
  for (const part of Array.isArray(content) ? content : [content]) h.update(part);
  return h.digest('hex').slice(0, 32);
}

/** The id of a file whose whole content is in memory. */
export function idFromBuffer(buf: Uint8Array): string {
  const size = buf.byteLength;
  if (size <= WHOLE_HASH_LIMIT) return idFromContent(size, buf);
  return idFromContent(
    size,
    sampleOffsets(size).map((o) => buf.subarray(o, o + SAMPLE_SIZE)),
  );
}

/** The id of an open file of known size, reading only what the fingerprint needs. */
export async function idFromHandle(fh: FileHandle, size: number): Promise<string> {
  if (size <= WHOLE_HASH_LIMIT) {
    const buf = Buffer.alloc(size);
    await readFully(fh, buf, 0);
    return idFromContent(size, buf);
  }
  const parts: Uint8Array[] = [];
  for (const offset of sampleOffsets(size)) {
    const buf = Buffer.alloc(SAMPLE_SIZE);
    await readFully(fh, buf, offset);
    parts.push(buf);
  }
  return idFromContent(size, parts);
}

/** The id of a file through a random-access tokenizer (peeks, so the tokenizer stays at its position). */
export async function idFromTokenizer(
  tokenizer: { peekBuffer(buf: Uint8Array, o: { position: number }): Promise<number> },
  size: number,
): Promise<string> {
  const offsets = size <= WHOLE_HASH_LIMIT ? [0] : sampleOffsets(size);
  const len = size <= WHOLE_HASH_LIMIT ? size : SAMPLE_SIZE;
  const parts: Uint8Array[] = [];
  for (const position of offsets) {
    const buf = new Uint8Array(len);
    await tokenizer.peekBuffer(buf, { position });
    parts.push(buf);
  }
  return idFromContent(size, parts);
}

/** The id of a file on disk (used to re-check a file before serving it, or by tests). */
export async function idOfFile(filePath: string): Promise<{ id: string; size: number }> {
  const fh = await open(filePath, 'r');
  try {
    const { size } = await fh.stat();
    return { id: await idFromHandle(fh, size), size };
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new Error('file shrank while it was being read');
    done += bytesRead;
  }
}
