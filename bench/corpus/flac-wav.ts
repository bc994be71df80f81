import type { Rng } from './prng';
import { buildVorbisComment, u32le } from './tags';
import type { TrackTags } from './tags';

const KEEP_FLAC_BLOCKS = new Set([0, 2, 3, 5]); // STREAMINFO, APPLICATION, SEEKTABLE, CUESHEET

/**
 * A FLAC file with the template's VORBIS_COMMENT (and PADDING/PICTURE) replaced by a fresh comment
 * block; audio frames are untouched. Throws when the template is not FLAC.
 */
export function retagFlac(template: Buffer, tags: TrackTags): Buffer {
  if (template.toString('latin1', 0, 4) !== 'fLaC') throw new Error('template is not FLAC');
  const blocks: { type: number; body: Buffer }[] = [];
  let off = 4;
  for (;;) {
    const head = template[off]!;
    const len = template.readUIntBE(off + 1, 3);
    const type = head & 0x7f;
    if (KEEP_FLAC_BLOCKS.has(type))
      blocks.push({ type, body: template.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
    if ((head & 0x80) !== 0) break;
  }
  blocks.push({ type: 4, body: buildVorbisComment(tags) });
  const parts: Buffer[] = [Buffer.from('fLaC', 'latin1')];
  blocks.forEach((b, i) => {
    const h = Buffer.alloc(4);
    h[0] = b.type | (i === blocks.length - 1 ? 0x80 : 0);
    h.writeUIntBE(b.body.length, 1, 3);
    parts.push(h, b.body);
  });
  parts.push(template.subarray(off));
  return Buffer.concat(parts);
}

function chunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  // RIFF chunks are word aligned: an odd body gets one pad byte not counted in its size.
  return Buffer.concat(body.length % 2 ? [head, body, Buffer.alloc(1)] : [head, body]);
}

function infoText(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
}

/**
 * RIFF/WAVE header (fmt, LIST/INFO when `tags` is given, data chunk header) for `dataBytes` of
 * 16-bit mono PCM.
 */
export function wavHeader(
  tags: TrackTags | undefined,
  dataBytes: number,
  sampleRate = 22050,
): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * 2, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const parts = [Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt)];
  if (tags) {
    const info = Buffer.concat([
      Buffer.from('INFO', 'latin1'),
      chunk('INAM', infoText(tags.title)),
      chunk('IART', infoText(tags.artist)),
      chunk('IPRD', infoText(tags.album)),
      chunk('ITRK', infoText(String(tags.track))),
    ]);
    parts.push(chunk('LIST', info));
  }
  const body = Buffer.concat(parts);
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'latin1');
  dataHead.writeUInt32LE(dataBytes, 4);
  const riffSize = body.length + 8 + dataBytes + (dataBytes % 2);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(riffSize), body, dataHead]);
}

/** A whole small WAV: a quiet sine at a random pitch plus noise, `dataBytes` (even) of PCM. */
export function buildWav(tags: TrackTags | undefined, dataBytes: number, rng: Rng): Buffer {
  const samples = Math.floor(dataBytes / 2);
  const pcm = Buffer.alloc(samples * 2);
  const step = (2 * Math.PI * rng.int(110, 880)) / 22050;
  for (let i = 0; i < samples; i++) {
    const v = Math.sin(i * step) * 6000 + (rng.next() - 0.5) * 400;
    pcm.writeInt16LE(Math.round(v), i * 2);
  }
  return Buffer.concat([wavHeader(tags, pcm.length), pcm]);
}
