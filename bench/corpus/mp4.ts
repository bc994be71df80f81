import type { TrackTags } from './tags';

interface Box {
  type: string;
  start: number;
  headerSize: number;
  end: number;
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

function boxes(buf: Buffer, start: number, end: number): Box[] {
  const out: Box[] = [];
  let off = start;
  while (off + 8 <= end) {
    let size = buf.readUInt32BE(off);
    let headerSize = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(off + 8));
      headerSize = 16;
    } else if (size === 0) size = end - off;
    if (size < headerSize || off + size > end) throw new Error(`bad MP4 box at ${off}`);
    out.push({
      type: buf.toString('latin1', off + 4, off + 8),
      start: off,
      headerSize,
      end: off + size,
    });
    off += size;
  }
  return out;
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function textItem(type: string, text: string): Buffer {
  // data box: type 1 = UTF-8, then a zero locale.
  return box(type, box('data', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from(text, 'utf8')));
}

function buildUdta(tags: TrackTags): Buffer {
  const hdlr = box('hdlr', Buffer.alloc(8), Buffer.from('mdirappl', 'latin1'), Buffer.alloc(9));
  const trkn = Buffer.alloc(16); // data type 0 (binary), locale 0, then 0, track, total, 0 as uint16
  trkn.writeUInt16BE(tags.track, 10);
  const ilst = box(
    'ilst',
    textItem('\xa9nam', tags.title),
    textItem('\xa9ART', tags.artist),
    textItem('\xa9alb', tags.album),
    textItem('\xa9day', String(tags.year)),
    textItem('\xa9gen', tags.genre),
    box('trkn', box('data', trkn)),
  );
  return box('udta', box('meta', Buffer.alloc(4), hdlr, ilst));
}

/** Shifts every chunk offset (stco/co64) under `moov` by `delta`, in place. */
function shiftChunkOffsets(moov: Buffer, start: number, end: number, delta: number): void {
  for (const b of boxes(moov, start, end)) {
    if (CONTAINERS.has(b.type)) shiftChunkOffsets(moov, b.start + b.headerSize, b.end, delta);
    const table = b.start + b.headerSize + 8; // after version/flags and entry count
    const count = b.type === 'stco' || b.type === 'co64' ? moov.readUInt32BE(table - 4) : 0;
    for (let i = 0; i < count; i++) {
      if (b.type === 'stco')
        moov.writeUInt32BE(moov.readUInt32BE(table + i * 4) + delta, table + i * 4);
      else
        moov.writeBigUInt64BE(moov.readBigUInt64BE(table + i * 8) + BigInt(delta), table + i * 8);
    }
  }
}

/**
 * An M4A with `moov/udta` replaced by a fresh iTunes-style tag list. When `moov` sits before `mdat`,
 * the chunk offsets are shifted by the size change so the audio still decodes. Throws on files
 * without a `moov` box or with a 64-bit-sized `moov`.
 */
export function retagMp4(template: Buffer, tags: TrackTags): Buffer {
  const top = boxes(template, 0, template.length);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov || moov.headerSize !== 8) throw new Error('template has no usable moov box');
  const children = boxes(template, moov.start + 8, moov.end).filter((b) => b.type !== 'udta');
  const newMoov = box(
    'moov',
    ...children.map((c) => template.subarray(c.start, c.end)),
    buildUdta(tags),
  );
  const delta = newMoov.length - (moov.end - moov.start);
  const mdat = top.find((b) => b.type === 'mdat');
  if (mdat && mdat.start > moov.start && delta !== 0)
    shiftChunkOffsets(newMoov, 8, newMoov.length, delta);
  return Buffer.concat([template.subarray(0, moov.start), newMoov, template.subarray(moov.end)]);
}
