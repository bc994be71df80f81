/**
 * A cheap check for playable audio where the tag parser gave up: a damaged tag must not hide
 * intact audio. It looks for the structure a player needs (MPEG frames after the ID3v2 block, a
 * FLAC stream header, an Ogg page, a RIFF/RF64 `fmt ` chunk, MP4 `ftyp` with `moov` and `mdat`, or
 * the signature of a format browsers cannot play) and names the format (see `browser-play.ts`).
 * Pure over a byte reader.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
export type ByteReader = (position: number, length: number) => Uint8Array;

/** What the probe found: the format label of `browser-play.ts`, or nothing playable. */
export type ProbeResult = { format: string } | undefined;

const WINDOW = 64 * 1024;

/** The byte at `i`, 0 past the end. */
const byte = (b: Uint8Array | Uint16Array, i: number): number => b[i] ?? 0;

const ascii = (b: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...b.subarray(at, at + n));

/** Signatures of formats only apps play, at offset 0 unless given. */
const APP_ONLY_MAGIC: { magic: string; at?: number; format: string }[] = [
  { magic: 'MAC ', format: 'ape' },
  { magic: 'MPCK', format: 'mpc' },
  { magic: 'MP+', format: 'mpc' },
  { magic: 'wvpk', format: 'wv' },
  { magic: 'tBaK', format: 'tak' },
  { magic: 'OFR ', format: 'ofr' },
  { magic: 'TTA1', format: 'tta' },
  { magic: 'ajkg', format: 'shn' },
  { magic: 'DSD ', format: 'dsf' },
  { magic: 'FRM8', format: 'dff' },
  { magic: 'Extended Module: ', format: 'mod' },
  { magic: 'IMPM', format: 'mod' },
  { magic: 'SCRM', at: 44, format: 'mod' },
  { magic: 'M.K.', at: 1080, format: 'mod' },
];

/** The playable audio in the bytes behind `read`, for a file of `size` bytes. */
export function probeAudio(read: ByteReader, size: number): ProbeResult {
  const head = read(0, Math.min(size, WINDOW));
  for (const m of APP_ONLY_MAGIC) {
    const at = m.at ?? 0;
    if (head.length >= at + m.magic.length && ascii(head, at, m.magic.length) === m.magic)
      return { format: m.format };
  }
  const tag4 = ascii(head, 0, 4);
  if (tag4 === 'fLaC')
    return byte(head, 4) !== undefined && (byte(head, 4) & 0x7f) === 0
      ? { format: 'flac' }
      : undefined;
  if (tag4 === 'OggS')
    return byte(head, 5) !== undefined && (byte(head, 5) & 0x02) !== 0
      ? { format: 'ogg' }
      : undefined;
  if ((tag4 === 'RIFF' || tag4 === 'RF64' || tag4 === 'BW64') && ascii(head, 8, 4) === 'WAVE')
    return riffFmt(head);
  if (ascii(head, 4, 4) === 'ftyp') return mp4(read, size);
  let from = 0;
  if (ascii(head, 0, 3) === 'ID3' && head.length >= 10) {
    const tagSize =
      ((byte(head, 6) << 21) | (byte(head, 7) << 14) | (byte(head, 8) << 7) | byte(head, 9)) + 10;
    // A tag size that overruns the file is itself the damage: look for frames right after the header.
    from = tagSize < size ? tagSize : 10;
  }
  const frames = from === 0 ? head : read(from, Math.min(size - from, WINDOW));
  const layer = mpegLayer(frames);
  return layer ? { format: layer === 3 ? 'mp3' : `mp${layer}` } : undefined;
}

/** `probeAudio` over a file on disk (synchronous reads of a few kilobytes), or over its bytes. */
export function probeFile(filePath: string, size: number, bytes?: Uint8Array): ProbeResult {
  if (bytes) return probeAudio((pos, len) => bytes.subarray(pos, pos + len), size);
  let fd: number | undefined;
  try {
    fd = openSync(filePath, 'r');
    const h = fd;
    return probeAudio((pos, len) => {
      const b = Buffer.alloc(Math.max(0, len));
      return b.subarray(0, readSync(h, b, 0, b.length, pos));
    }, size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** WAV: a `fmt ` chunk among the first chunks; PCM-like codecs play in browsers, others do not. */
function riffFmt(b: Uint8Array): ProbeResult {
  let at = 12;
  while (at + 8 <= b.length) {
    const id = ascii(b, at, 4);
    const len =
      byte(b, at + 4) | (byte(b, at + 5) << 8) | (byte(b, at + 6) << 16) | (byte(b, at + 7) << 24);
    if (id === 'fmt ' && at + 10 <= b.length) {
      const tag = byte(b, at + 8) | (byte(b, at + 9) << 8);
      // 1 PCM, 3 float, 6 A-law, 7 mu-law, 0x55 MPEG layer 3, 0xfffe extensible (PCM in practice).
      return { format: [1, 3, 6, 7, 0x55, 0xfffe].includes(tag) ? 'wav' : 'wav-other' };
    }
    if (len < 0) return undefined;
    at += 8 + len + (len & 1);
  }
  return undefined;
}

/** MP4: top-level `moov` (the sample tables) and `mdat` (the audio); the codec from `stsd`. */
function mp4(read: ByteReader, size: number): ProbeResult {
  let at = 0;
  let moov: Uint8Array | undefined;
  let mdat = false;
  for (let n = 0; at + 8 <= size && n < 64; n++) {
    const h = read(at, 16);
    if (h.length < 8) break;
    let len = ((byte(h, 0) << 24) >>> 0) + ((byte(h, 1) << 16) | (byte(h, 2) << 8) | byte(h, 3));
    if (len === 1 && h.length >= 16) len = Number(Buffer.from(h).readBigUInt64BE(8));
    else if (len === 0) len = size - at;
    if (len < 8) break;
    const type = ascii(h, 4, 4);
    if (type === 'mdat') mdat = true;
    if (type === 'moov') moov = read(at, Math.min(len, 4 * 1024 * 1024, size - at));
    at += len;
  }
  if (!moov || !mdat) return undefined;
  const text = Buffer.from(moov).toString('latin1');
  const stsd = text.indexOf('stsd');
  if (stsd < 0) return undefined;
  const entry = text.slice(stsd + 16, stsd + 20);
  if (entry === 'alac') return { format: 'alac' };
  return { format: entry === 'mp4a' ? 'm4a' : 'mp4-other' };
}

// Bit rates in kbit/s by header index (ISO 11172-3, 13818-3).
const BITRATES_L1 = new Uint16Array([
  0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
]);
const BITRATES_L1_V2 = new Uint16Array([
  0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
]);
const BITRATES_V2 = new Uint16Array([0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]);
const BITRATES_L2 = new Uint16Array([
  0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
]);
const BITRATES_L3 = new Uint16Array([
  0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
]);

/** The MPEG audio layer (1 to 3) when two consecutive valid frames are found, else undefined. */
export function mpegLayer(b: Uint8Array): number | undefined {
  for (let i = 0; i + 4 <= b.length; i++) {
    if (byte(b, i) !== 0xff || (byte(b, i + 1) & 0xe0) !== 0xe0) continue;
    const len = frameLength(b, i);
    if (len === undefined) continue;
    const next = i + len;
    // The next frame must start right after this one (or the window ends there).
    if (next + 2 > b.length) break;
    if (
      byte(b, next) === 0xff &&
      (byte(b, next + 1) & 0xe0) === 0xe0 &&
      frameLength(b, next) !== undefined
    )
      return 4 - ((byte(b, i + 1) >> 1) & 3);
  }
  return undefined;
}

/** Byte length of the MPEG audio frame whose header is at `i`, or undefined if it is not one. */
function frameLength(b: Uint8Array, i: number): number | undefined {
  const version = (byte(b, i + 1) >> 3) & 3; // 0 MPEG 2.5, 2 MPEG 2, 3 MPEG 1
  const layer = 4 - ((byte(b, i + 1) >> 1) & 3);
  const bitrateIndex = byte(b, i + 2) >> 4;
  const rateIndex = (byte(b, i + 2) >> 2) & 3;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return undefined;
  const rate = [44100, 48000, 32000][rateIndex]! / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const kbps = bitrateOf(version === 3, layer, bitrateIndex);
  const pad = (byte(b, i + 2) >> 1) & 1;
  if (layer === 1) return Math.floor((12 * kbps * 1000) / rate + pad) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + pad;
}

function bitrateOf(mpeg1: boolean, layer: number, index: number): number {
  if (layer === 1) return byte(mpeg1 ? BITRATES_L1 : BITRATES_L1_V2, index);
  if (!mpeg1) return byte(BITRATES_V2, index);
  return byte(layer === 2 ? BITRATES_L2 : BITRATES_L3, index);
}
