/** The tag values one generated track carries, whatever its container. */
export interface TrackTags {
  title: string;
  artist: string;
  album: string;
  track: number;
  year: number;
  genre: string;
}

/** Synchsafe 28-bit integer as ID3v2 stores tag sizes (7 bits per byte, so no false sync). */
function synchsafe(n: number): Buffer {
  return Buffer.from([(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f]);
}

function id3Frame(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.write(id, 0, 'latin1');
  header.writeUInt32BE(body.length, 4); // ID3v2.3 frame sizes are plain big-endian, not synchsafe
  return Buffer.concat([header, body]);
}

function id3Text(id: string, text: string): Buffer {
  // Encoding 1 = UTF-16 with BOM: the one v2.3 encoding that carries any Unicode title.
  return id3Frame(id, Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}

/** Bytes of a leading ID3v2 tag (header, body and optional footer), or 0 when there is none. */
export function id3v2Length(buf: Buffer): number {
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size =
    ((buf[6]! & 0x7f) << 21) |
    ((buf[7]! & 0x7f) << 14) |
    ((buf[8]! & 0x7f) << 7) |
    (buf[9]! & 0x7f);
  const footer = (buf[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** The MPEG audio of an MP3 with any ID3v2 head and ID3v1 tail removed, so a fresh tag can go on. */
export function stripId3(buf: Buffer): Buffer {
  let end = buf.length;
  if (end >= 128 && buf.toString('latin1', end - 128, end - 125) === 'TAG') end -= 128;
  return buf.subarray(id3v2Length(buf), end);
}

/**
 * A complete ID3v2.3 tag (TIT2/TPE1/TALB/TRCK/TYER/TCON, optional APIC cover, `padding` zero bytes
 * as real taggers leave), to prepend to bare MPEG audio.
 */
export function buildId3v23(tags: TrackTags, cover: Buffer | undefined, padding: number): Buffer {
  const frames = [
    id3Text('TIT2', tags.title),
    id3Text('TPE1', tags.artist),
    id3Text('TALB', tags.album),
    id3Text('TRCK', String(tags.track)),
    id3Text('TYER', String(tags.year)),
    id3Text('TCON', tags.genre),
  ];
  if (cover) {
    const head = Buffer.from('\0image/jpeg\0\x03\0', 'latin1'); // latin1, MIME, front cover, empty description
    frames.push(id3Frame('APIC', Buffer.concat([head, cover])));
  }
  const body = Buffer.concat([...frames, Buffer.alloc(padding)]);
  const header = Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 3, 0, 0]), synchsafe(body.length)]);
  return Buffer.concat([header, body]);
}

/** A Vorbis comment structure (FLAC block body, Ogg comment packet body): vendor plus KEY=value list. */
export function buildVorbisComment(tags: TrackTags, vendor = 'tunecamp-bench'): Buffer {
  const entries = [
    `TITLE=${tags.title}`,
    `ARTIST=${tags.artist}`,
    `ALBUM=${tags.album}`,
    `TRACKNUMBER=${tags.track}`,
    `DATE=${tags.year}`,
    `GENRE=${tags.genre}`,
  ].map((e) => Buffer.from(e, 'utf8'));
  const vendorBytes = Buffer.from(vendor, 'utf8');
  const parts: Buffer[] = [u32le(vendorBytes.length), vendorBytes, u32le(entries.length)];
  for (const e of entries) parts.push(u32le(e.length), e);
  return Buffer.concat(parts);
}

/** Little-endian uint32 as a 4-byte buffer. */
export function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
