/**
 * The hub emulator's fast path for `chunk` frames. `JSON.parse` of an 87 KiB frame, the UTF-8
 * string it needs and the copy of the base64 text cost the emulator ~2 ms of CPU per MB (profiled):
 * on a 2-core machine that, not the daemon, bounded the end-to-end stream benchmark. A frame of
 * exactly the canonical shape `{"type":"chunk","requestId":"<id>","seq":N,"data":"<base64>"}` is
 * read straight from the bytes; anything else (other key order, spaces, escapes, odd ids or bytes)
 * returns null and the emulator parses it with `JSON.parse` as before. Where this accepts a frame,
 * the result equals what `JSON.parse` plus `Buffer.from(data, 'base64')` give (chunk-parse.test.ts
 * compares the two on mutated frames).
 */

const HEAD = Buffer.from('{"type":"chunk","requestId":"');
const SEQ = Buffer.from('","seq":');
const DATA = Buffer.from(',"data":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;
const MAX_ID = 200;

/** A chunk frame as the emulator uses it. */
export interface ParsedChunk {
  requestId: string;
  seq: number;
  bytes: Buffer;
}

/** [A-Za-z0-9_-]: ids made of these need no escaping and read the same in UTF-8 and Latin-1. */
function idByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x2d ||
    b === 0x5f
  );
}

function startsWithAt(data: Buffer, at: number, token: Buffer): boolean {
  return (
    data.length >= at + token.length &&
    data.compare(token, 0, token.length, at, at + token.length) === 0
  );
}

/** The canonical chunk frame in `data`, or null when the frame must go through `JSON.parse`. */
export function parseChunkFrame(data: Buffer): ParsedChunk | null {
  if (!startsWithAt(data, 0, HEAD)) return null;
  let i = HEAD.length;
  const idStart = i;
  while (i < data.length && i - idStart < MAX_ID && idByte(data[i]!)) i++;
  if (i === idStart || !startsWithAt(data, i, SEQ)) return null;
  const requestId = data.toString('latin1', idStart, i);
  i += SEQ.length;
  // A JSON number without sign, fraction, exponent or leading zero, small enough to be exact.
  const seqStart = i;
  let seq = 0;
  while (i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39 && i - seqStart < 15) {
    seq = seq * 10 + (data[i]! - 0x30);
    i++;
  }
  if (i === seqStart || (data[seqStart] === 0x30 && i - seqStart > 1)) return null;
  if (!startsWithAt(data, i, DATA)) return null;
  const start = i + DATA.length;
  const end = data.length - 2;
  // The payload runs to the closing `"}` with no other quote and no escape in between.
  if (end < start || data[end] !== QUOTE || data[end + 1] !== 0x7d) return null;
  if (data.indexOf(QUOTE, start) !== end || data.indexOf(BACKSLASH, start) !== -1) return null;
  const length = end - start;
  if (length % 4 !== 0) return null;
  let pad = 0;
  if (length > 0 && data[end - 1] === EQUALS) pad = data[end - 2] === EQUALS ? 2 : 1;
  const bytes = Buffer.from(data.toString('latin1', start, end), 'base64');
  // Node's decoder skips bytes outside the alphabet and stops at padding: any such byte makes the
  // result shorter than the text's length promises. Those frames (which our client never sends)
  // take the JSON path, which also rejects the control characters JSON forbids.
  if (bytes.length !== (length / 4) * 3 - pad) return null;
  return { requestId, seq, bytes };
}
