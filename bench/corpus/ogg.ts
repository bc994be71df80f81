import { buildVorbisComment } from './tags';
import type { TrackTags } from './tags';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Ogg's page checksum (CRC-32, polynomial 0x04c11db7, not reflected, initial 0). */
export function oggCrc(page: Buffer): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++)
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ page[i]!) & 0xff]!) >>> 0;
  return crc;
}

interface Page {
  flags: number;
  granule: Buffer;
  serial: number;
  lacing: number[];
  data: Buffer;
}

function parsePages(buf: Buffer): Page[] {
  const pages: Page[] = [];
  let off = 0;
  while (off + 27 <= buf.length) {
    if (buf.toString('latin1', off, off + 4) !== 'OggS') throw new Error(`no Ogg page at ${off}`);
    const n = buf[off + 26]!;
    const lacing = [...buf.subarray(off + 27, off + 27 + n)];
    const size = lacing.reduce((a, b) => a + b, 0);
    const dataStart = off + 27 + n;
    pages.push({
      flags: buf[off + 5]!,
      granule: buf.subarray(off + 6, off + 14),
      serial: buf.readUInt32LE(off + 14),
      lacing,
      data: buf.subarray(dataStart, dataStart + size),
    });
    off = dataStart + size;
  }
  return pages;
}

function writePage(p: Page, seq: number): Buffer {
  const head = Buffer.alloc(27 + p.lacing.length);
  head.write('OggS', 0, 'latin1');
  head[5] = p.flags;
  p.granule.copy(head, 6);
  head.writeUInt32LE(p.serial, 14);
  head.writeUInt32LE(seq, 18);
  head[26] = p.lacing.length;
  Buffer.from(p.lacing).copy(head, 27);
  const page = Buffer.concat([head, p.data]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Splits one header packet into pages (at most 255 lacing values each), granule 0 where it ends. */
function paginate(packet: Buffer, serial: number): Page[] {
  const lacing: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    lacing.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const pages: Page[] = [];
  let dataOff = 0;
  for (let i = 0; i < lacing.length; i += 255) {
    const lace = lacing.slice(i, i + 255);
    const size = lace.reduce((a, b) => a + b, 0);
    const last = i + 255 >= lacing.length;
    const granule = Buffer.alloc(8, last ? 0 : 0xff); // -1: no packet ends on this page
    pages.push({
      flags: i === 0 ? 0 : 1,
      granule,
      serial,
      lacing: lace,
      data: packet.subarray(dataOff, dataOff + size),
    });
    dataOff += size;
  }
  return pages;
}

/**
 * An Ogg Vorbis or Ogg Opus file with its comment header packet replaced by fresh tags. The header
 * packets after the first are re-paginated one per page and every later page is renumbered with a new
 * checksum, so the result is a valid stream. Throws on a layout it does not understand (e.g. chained
 * or multiplexed streams).
 */
export function retagOgg(template: Buffer, tags: TrackTags): Buffer {
  const pages = parsePages(template);
  const first = pages[0];
  if (!first || first.lacing.length !== 1)
    throw new Error('first Ogg page must hold only the id header');
  const opus = first.data.toString('latin1', 0, 8) === 'OpusHead';
  const headerCount = opus ? 2 : 3;
  // Collect header packets 2..n from the following pages until they end on a page boundary.
  const packets: Buffer[] = [];
  let current: Buffer[] = [];
  let pageIdx = 1;
  while (packets.length < headerCount - 1) {
    const page = pages[pageIdx++];
    if (!page || page.serial !== first.serial) throw new Error('unexpected Ogg header layout');
    let off = 0;
    for (const lace of page.lacing) {
      current.push(page.data.subarray(off, off + lace));
      off += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(current));
        current = [];
      }
    }
    if (
      packets.length > headerCount - 1 ||
      (packets.length === headerCount - 1 && current.length > 0)
    ) {
      throw new Error('Ogg header packets do not end on a page boundary');
    }
  }
  const comment = buildVorbisComment(tags);
  packets[0] = opus
    ? Buffer.concat([Buffer.from('OpusTags', 'latin1'), comment])
    : Buffer.concat([Buffer.from([3]), Buffer.from('vorbis', 'latin1'), comment, Buffer.from([1])]);
  const out: Buffer[] = [writePage(first, 0)];
  let seq = 1;
  for (const packet of packets)
    for (const p of paginate(packet, first.serial)) out.push(writePage(p, seq++));
  for (const p of pages.slice(pageIdx)) out.push(writePage(p, seq++));
  return Buffer.concat(out);
}
