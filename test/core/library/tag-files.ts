/**
 * Builds small audio files whose tags hold text in a given byte encoding, for the tests of text
 * that declares no encoding: WAV with a RIFF INFO list, MP3 with an ID3v1 tag, AIFF with NAME and
 * AUTH chunks. Written by the tests into temp folders (see test/fixtures/README.md).
 */
import { readFile } from 'node:fs/promises';
import { SAMPLES } from './helpers';

/** Title, artist and album as raw bytes (already encoded as the test wants them). */
export interface RawTags {
  title: Buffer;
  artist: Buffer;
  album: Buffer;
}

/** Windows-1252 bytes of `text` (only the characters the tests use beyond Latin-1). */
export function cp1252(text: string): Buffer {
  const extra: Record<string, number> = { '’': 0x92, '–': 0x96, '€': 0x80, '“': 0x93, '”': 0x94 };
  return Buffer.from([...text].map((ch) => extra[ch] ?? ch.charCodeAt(0)));
}

function chunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** A 0.1 s mono 8 kHz PCM WAV with a LIST/INFO chunk (INAM, IART, IPRD) and no CSET chunk. */
export function wavWithInfo(tags: RawTags): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const z = Buffer.alloc(1);
  const info = Buffer.concat([
    Buffer.from('INFO', 'latin1'),
    chunk('INAM', Buffer.concat([tags.title, z])),
    chunk('IART', Buffer.concat([tags.artist, z])),
    chunk('IPRD', Buffer.concat([tags.album, z])),
  ]);
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    chunk('LIST', info),
    chunk('data', Buffer.alloc(1600)),
  ]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(body.length), body]);
}

/** An untagged MP3 from the corpus with a 128-byte ID3v1 tag appended. */
export async function mp3WithId3v1(tags: RawTags): Promise<Buffer> {
  const tag = Buffer.alloc(128);
  tag.write('TAG', 0, 'latin1');
  tags.title.copy(tag, 3, 0, 30);
  tags.artist.copy(tag, 33, 0, 30);
  tags.album.copy(tag, 63, 0, 30);
  tag.write('2024', 93, 'latin1');
  tag[127] = 255; // no genre
  return Buffer.concat([await readFile(SAMPLES.untagged), tag]);
}

/** A 0.1 s mono AIFF with NAME (title) and AUTH (artist) text chunks. */
export function aiffWithText(tags: Pick<RawTags, 'title' | 'artist'>): Buffer {
  const be = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const comm = Buffer.alloc(18);
  comm.writeUInt16BE(1, 0); // channels
  comm.writeUInt32BE(800, 2); // frames
  comm.writeUInt16BE(16, 6); // bits
  // 8000 Hz as an 80-bit extended float: exponent 16383 + 12, mantissa 8000 << (63 - 12).
  comm.writeUInt16BE(16383 + 12, 8);
  comm.writeBigUInt64BE(8000n << 51n, 10);
  const ssnd = Buffer.concat([Buffer.alloc(8), Buffer.alloc(1600)]);
  const body = Buffer.concat([
    Buffer.from('AIFF', 'latin1'),
    be('COMM', comm),
    be('NAME', tags.title),
    be('AUTH', tags.artist),
    be('SSND', ssnd),
  ]);
  const head = Buffer.alloc(8);
  head.write('FORM', 0, 'latin1');
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
