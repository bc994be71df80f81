/**
 * Files for issue 17's corpus, generated from the real corpus's intact audio: damaged tags in front
 * of good frames, an RF64 WAV, a format only apps play, a tag with no audio behind it.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { CORPUS } from './helpers';

const syncsafe = (n: number) =>
  Buffer.from([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const id3v23 = (body: Buffer, size = body.length) =>
  Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0]), syncsafe(size), body]);
const frame = (id: string, data: Buffer, flags = [0, 0]) =>
  Buffer.concat([Buffer.from(id), u32(data.length), Buffer.from(flags), data]);

/** Intact MPEG audio frames (an untagged corpus file). */
const mpeg = () => readFileSync(path.join(CORPUS, 'mp3/notags.mp3'));

/** An RF64 WAV (the broadcast format for files over 4 GB): 0.1 s of 16-bit mono silence. */
export function rf64Wav(): Buffer {
  const data = Buffer.alloc(4410 * 2);
  const ds64 = Buffer.alloc(28);
  ds64.writeBigUInt64LE(BigInt(36 + 36 + data.length), 0); // RIFF size
  ds64.writeBigUInt64LE(BigInt(data.length), 8); // data size
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(44100, 4);
  fmt.writeUInt32LE(88200, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const chunk = (id: string, b: Buffer, size = b.length) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(size, 4);
    return Buffer.concat([h, b]);
  };
  const body = Buffer.concat([
    Buffer.from('WAVE'),
    chunk('ds64', ds64),
    chunk('fmt ', fmt),
    chunk('data', data, 0xffffffff),
  ]);
  const h = Buffer.alloc(8);
  h.write('RF64', 0, 'latin1');
  h.writeUInt32LE(0xffffffff, 4);
  return Buffer.concat([h, body]);
}

/** Each generated file by name, with the outcome it must have (folder shares app-only files or not). */
export function damagedCorpus(): Record<string, Buffer> {
  const compressed = deflateSync(Buffer.alloc(40, 1));
  return {
    // A compressed CHAP frame: the tag parser reads its zlib bytes as a chapter and runs off the end.
    'compressed-frame.mp3': Buffer.concat([
      id3v23(frame('CHAP', Buffer.concat([u32(40), compressed]), [0, 0x80])),
      mpeg(),
    ]),
    // A tag whose size runs past the end of the file.
    'tag-overruns.mp3': Buffer.concat([
      id3v23(frame('TIT2', Buffer.from('\0Hi')), 1_000_000),
      mpeg(),
    ]),
    // A tag of a version that does not exist.
    'tag-version-7.mp3': Buffer.concat([
      Buffer.from('ID3'),
      Buffer.from([7, 0, 0]),
      syncsafe(10),
      Buffer.alloc(10),
      mpeg(),
    ]),
    // A tag and nothing else: no audio to publish.
    'tag-only.mp3': id3v23(frame('TIT2', Buffer.from('\0Only a tag'))),
    'broadcast.wav': rf64Wav(),
    // MP4 tags (the ilst atom) whose size runs past their parent; audio (moov, mdat) intact.
    'tags-cut-short.m4a': cutShortTags(),
    // True Audio: a signature and nothing a tag parser knows.
    'lossless.tta': Buffer.concat([Buffer.from('TTA1'), Buffer.alloc(200)]),
  };
}

/** A corpus M4A whose ilst atom claims 8 bytes more than its parent holds. */
function cutShortTags(): Buffer {
  const b = Buffer.from(readFileSync(path.join(CORPUS, 'rating/testcase.m4a')));
  const at = b.indexOf('ilst') - 4;
  b.writeUInt32BE(b.readUInt32BE(at) + 8, at);
  return b;
}
