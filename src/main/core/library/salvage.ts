/**
 * What to make of a file the tag parser could not read, or read without finding audio: publish
 * its audio when a cheap probe finds some (title from the file name, a note naming the damaged tag),
 * else skip it with a reason in a musician's words. The parser's own message goes only to the log.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { probeFile } from './audio-probe';
import { extensionOf } from './mime';

/** What the salvage decided: a format to publish under (with an optional note), or a skip reason. */
export type Salvage = { format: string; note?: string } | { reason: string };

/** Errors meaning "not a format the parser knows", not damage. */
const UNKNOWN_TYPE = new Set(['CouldNotDetermineFileTypeError', 'UnsupportedFileTypeError']);

/**
 * Salvage a file of `size` bytes whose parse failed with `err` (undefined: it parsed, but no
 * audio was found; `noAudio` is then the reason). Reads a few kilobytes of the file.
 */
export function salvage(filePath: string, size: number, err: unknown, noAudio: string): Salvage {
  const found = probeFile(filePath, size);
  if (!found) {
    if (err === undefined) return { reason: noAudio };
    return { reason: describeParseError(err, filePath) };
  }
  if (err === undefined || UNKNOWN_TYPE.has(errorName(err))) return { format: found.format };
  return {
    format: found.format,
    note: damagedTagOf(filePath, found.format),
  };
}

/** "its ID3v2 tag is damaged and was ignored"…: the note on a file published without its tags. */
function damagedTagOf(filePath: string, format: string): string {
  const head = probeHead(filePath);
  const ignored = 'are damaged and were ignored';
  if (head === 'ID3') return 'its ID3v2 tag is damaged and was ignored';
  if (format === 'm4a' || format === 'alac' || format === 'mp4-other')
    return `its MP4 tags ${ignored}`;
  return `its ${labelOf(filePath)} tags ${ignored}`;
}

/** The first three bytes of the file, as Latin-1 ('' when unreadable). */
function probeHead(filePath: string): string {
  try {
    const fd = openSync(filePath, 'r');
    try {
      const b = Buffer.alloc(3);
      readSync(fd, b, 0, 3, 0);
      return b.toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : '');

/** "MP3", "FLAC", "MKV"… for a reason line: the file's own extension, as the user sees it. */
export function labelOf(filePath: string): string {
  return extensionOf(filePath).toUpperCase() || 'audio';
}

/**
 * Why a file's contents could not be read, in a musician's words: the parser's own message
 * ("COMMON CHUNK size should always be at least 22") names its internals, not what to do.
 */
export function describeParseError(err: unknown, filePath: string): string {
  const name = errorName(err);
  const message = err instanceof Error ? err.message : String(err);
  if (UNKNOWN_TYPE.has(name)) return 'not a recognisable audio file';
  if (
    name === 'EndOfStreamError' ||
    /exceeds remaining|beyond the end|end of (the )?(file|stream)/i.test(message)
  )
    return 'the file ends early (truncated?)';
  if (name === 'RangeError' || /outside the bounds/i.test(message))
    return `a part of this ${labelOf(filePath)} file claims more bytes than it holds: the file is damaged`;
  if (/majorVer|version/i.test(message))
    return `its ${labelOf(filePath)} tags are of an unknown version`;
  return `its ${labelOf(filePath)} contents could not be read: the file may be damaged`;
}
