import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CoverStore,
  isTrackId,
  type CoverResizer,
} from '../../../src/main/core/covers/cover-store';
import { pickSidecar, sniffImage } from '../../../src/main/core/covers/cover-source';
import { lifoLimit } from '../../../src/main/core/covers/lifo-limit';
import { makeWav } from '../../e2e/helpers';
import { CORPUS, place, removeDir, tempDir } from '../library/helpers';

/** Real files with embedded art (music-metadata's samples), and the same art twice. */
const COVERED = path.join(CORPUS, 'id3v2.3.mp3');
const SAME_ART = path.join(CORPUS, 'id3v2.4.mp3'); // the same 80,938-byte front cover
const PNG_ONLY = path.join(CORPUS, "02-Yeahs-It's Blitz! 2.mp3");
/** A small JPEG-looking thumbnail: enough for the store, which only checks the first bytes. */
const THUMB = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

let dir: string;
let music: string;
let files: Record<string, string>;

/** A resizer that records what it was given and how many ran at once. */
function recordingResizer(delayMs = 0) {
  const calls: number[] = [];
  let active = 0;
  let peak = 0;
  const resize: CoverResizer = async (picture, size) => {
    active++;
    peak = Math.max(peak, active);
    calls.push(picture.length);
    await new Promise((r) => setTimeout(r, delayMs));
    active--;
    expect(size).toBe(96);
    return THUMB;
  };
  return { resize, calls, peak: () => peak };
}

function store(opts: Partial<ConstructorParameters<typeof CoverStore>[0]> = {}) {
  const ids = Object.fromEntries(Object.entries(files).map(([k, f]) => [idOf(k), f]));
  return new CoverStore({ dir: path.join(dir, 'covers'), locate: (id) => ids[id], ...opts });
}

/** A track id per test file name (the store only needs 32 hex characters and `locate`). */
const idOf = (name: string) => createHash('md5').update(name).digest('hex');

beforeEach(async () => {
  dir = await tempDir('covers-');
  music = path.join(dir, 'music');
  files = {
    covered: await place(COVERED, path.join(music, 'a', 'covered.mp3')),
    same: await place(SAME_ART, path.join(music, 'a', 'same.mp3')),
    png: await place(PNG_ONLY, path.join(music, 'b', 'png.mp3')),
    bare: path.join(music, 'c', 'bare.wav'),
  };
  await mkdir(path.dirname(files.bare!));
  await writeFile(files.bare!, makeWav(4096, 1));
});

afterEach(async () => {
  await removeDir(dir);
});

describe('CoverStore', () => {
  it('reads the embedded picture once, shrinks it, and serves it from disk afterwards', async () => {
    const r = recordingResizer();
    const first = store({ resize: r.resize });
    const answer = await first.get(idOf('covered'));
    expect(answer).toEqual({ status: 'cover', cover: { data: THUMB, type: 'image/jpeg' } });
    expect(r.calls).toEqual([80_938]);
    expect(await readFile(path.join(dir, 'covers', `${idOf('covered')}.img`))).toEqual(THUMB);

    // A new engine over the same state dir: straight from the cache, no file read.
    const again = store({ resize: r.resize });
    expect((await again.get(idOf('covered'))).status).toBe('cover');
    expect(again.extractions).toBe(0);
    expect(r.calls).toHaveLength(1);
  });

  it('shares one read between concurrent requests and one resize between equal pictures', async () => {
    const r = recordingResizer(20);
    const s = store({ resize: r.resize });
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => s.get(idOf('covered'))),
      s.get(idOf('same')),
    ]);
    expect(answers.every((a) => a.status === 'cover')).toBe(true);
    expect(s.extractions).toBe(2);
    expect(r.calls).toEqual([80_938]);
  });

  it('bounds how many pictures are read and shrunk at once', async () => {
    const r = recordingResizer(30);
    const s = store({ resize: r.resize, concurrency: 1 });
    await Promise.all(['covered', 'png'].map((k) => s.get(idOf(k))));
    expect(r.calls).toHaveLength(2);
    expect(r.peak()).toBe(1);
  });

  it('remembers "no cover" until a cover appears beside the file', async () => {
    const s = store({ resize: recordingResizer().resize });
    expect(await s.get(idOf('bare'))).toEqual({ status: 'none' });
    const again = store({ resize: recordingResizer().resize });
    expect(await again.get(idOf('bare'))).toEqual({ status: 'none' });
    expect(again.extractions).toBe(0);

    await writeFile(
      path.join(music, 'c', 'Folder.JPG'),
      await readFile(path.join(CORPUS, 'flac.flac.jpg')),
    );
    const later = store({ resize: recordingResizer().resize });
    expect((await later.get(idOf('bare'))).status).toBe('cover');
    expect(later.extractions).toBe(1);
  });

  it('serves the original picture without a resizer (headless), up to a size cap', async () => {
    const png = await store().get(idOf('png'));
    expect(png.status === 'cover' && png.cover.type).toBe('image/png');
    expect(png.status === 'cover' && png.cover.data.length).toBe(167_101);
    const capped = await store({ maxOriginalBytes: 100_000, dir: path.join(dir, 'other') }).get(
      idOf('png'),
    );
    expect(capped).toEqual({ status: 'none' });
  });

  it('answers only well-formed ids of shared tracks, without touching the disk otherwise', async () => {
    const s = store();
    for (const id of [
      '../../etc/passwd',
      'A'.repeat(32),
      '',
      idOf('covered') + '0',
      'f'.repeat(32),
    ])
      expect(await s.get(id)).toEqual({ status: 'unknown' });
    expect(s.extractions).toBe(0);
    await expect(readdir(path.join(dir, 'covers'))).rejects.toThrow(/ENOENT/);
    expect(isTrackId(idOf('covered'))).toBe(true);
  });

  it('does not remember a file that cannot be read now', async () => {
    files.gone = path.join(music, 'gone.mp3');
    const s = store();
    expect(await s.get(idOf('gone'))).toEqual({ status: 'none' });
    expect(s.extractions).toBe(1);
    await expect(readdir(path.join(dir, 'covers'))).rejects.toThrow(/ENOENT/);
  });
});

describe('cover sources', () => {
  it('recognises the raster images it serves and nothing else', () => {
    expect(sniffImage(THUMB)).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'))).toBe('image/png');
    expect(sniffImage(Buffer.from('GIF89a'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeUndefined();
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
  });

  it('picks cover before folder before front, any case, images only', () => {
    expect(pickSidecar(['front.png', 'Folder.jpg', 'COVER.JPEG', 'x.jpg'])).toBe('COVER.JPEG');
    expect(pickSidecar(['front.webp', 'folder.txt'])).toBe('front.webp');
    expect(pickSidecar(['cover.svg', 'cover.jpg.bak', 'song.mp3'])).toBeUndefined();
  });

  it('starts waiting tasks newest first, never more than the limit', async () => {
    const limit = lifoLimit(1);
    const order: number[] = [];
    let release!: () => void;
    const first = limit(() => new Promise<void>((r) => (release = r)));
    const rest = [1, 2, 3].map((n) => limit(async () => void order.push(n)));
    release();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([3, 2, 1]);
  });
});
