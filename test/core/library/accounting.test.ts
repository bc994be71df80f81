import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeIgnored, VIDEO_REASON } from '../../../src/main/core/library/file-kinds';
import { relPathOf } from '../../../src/main/core/library/root-index';
import { ScanCache } from '../../../src/main/core/library/scan-cache';
import { CORPUS, makeLibrary, removeDir, tempDir } from './helpers';
import { wavWithInfo } from './tag-files';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('every file of the real corpus is accounted for', () => {
  it('is published, skipped with a reason in plain words, or counted as not audio by kind', async () => {
    const all = (await readdir(CORPUS, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.'))
      .map((d) => path.join(d.parentPath, d.name));
    const { lib } = makeLibrary();
    // Files only apps play are published for download here (their own test: browser-play.test.ts).
    const res = await lib.scanRoot(CORPUS, { exclude: [], appOnly: true });
    const published = new Set(lib.entries(CORPUS).map((e) => e.path));
    // Duplicates (the same bytes twice) are published once: count every path that holds a track.
    const holding = new Set([...published, ...res.skipped.map((s) => s.path)]);
    const ignored = lib.ignored(CORPUS) ?? {};
    const ignoredTotal = Object.values(ignored).reduce((a, b) => a + b, 0);
    expect(ignored).toEqual({ text: 1, image: 2, other: 1 });
    expect(describeIgnored(ignored)).toBe('2 images, 1 text or document, 1 other file');
    expect(holding.size + ignoredTotal).toBe(all.length);

    const byRel = new Map(lib.entries(CORPUS).map((e) => [relPathOf(e), e]));
    const skip = new Map(res.skipped.map((s) => [path.relative(CORPUS, s.path), s.reason]));
    // MPEG layer 1, ASF audio, WebM audio, MP4 and Matroska without video: published, real MIME types.
    expect(byRel.get('mp3/layer1/fl2.mp1')).toMatchObject({
      mimeType: 'audio/mpeg',
      format: 'mp1',
    });
    expect(byRel.get('asf/issue_57.wma')?.mimeType).toBe('audio/x-ms-wma');
    expect(byRel.get('matroska/My Baby Boy.webm')?.mimeType).toBe('audio/webm');
    expect(byRel.get('matroska/02 - Poxfil - Solid Ground (5 sec).mka')?.mimeType).toBe(
      'audio/x-matroska',
    );
    // Files with video are skipped, with that reason.
    for (const video of [
      'asf/elephant.asf',
      'matroska/big-buck-bunny_trailer-short.vp8.webm',
      'matroska/matroska-test-w1-test5-short.mkv',
      'mp4/issue-744.mp4',
      'mp4/sample_640x360.mov',
      'ogg/short.ogv',
    ]) {
      expect(skip.get(video), video).toBe(VIDEO_REASON);
    }
    // Reasons in a musician's words, never the parser's.
    for (const [file, reason] of skip) {
      expect(reason, file).not.toMatch(/chunk|atom|header object|VINT|ignore length|tags:/i);
    }
    expect(skip.get('aiff/CWE-835-01.aiff')).toBe(
      'its AIFF contents could not be read: the file may be damaged',
    );
  });
});

describe('a scan cache written before video and plain-word reasons', () => {
  it('re-reads the records the new rules decide otherwise, and keeps the rest', async () => {
    const dir = await tempDir();
    try {
      const music = path.join(dir, 'music');
      await mkdir(music);
      const video = await place('matroska/big-buck-bunny_trailer-short.vp8.webm', music);
      const broken = await place('aiff/CWE-835-01.aiff', music);
      const song = await place('id3v2.3.mp3', music);
      const wav = path.join(music, 'utf8.wav');
      await writeFile(
        wav,
        wavWithInfo({ title: utf8('Noémie'), artist: utf8('Petrović'), album: utf8('Été') }),
      );
      const record = async (p: string, rest: object) => {
        const s = await stat(p);
        return { size: s.size, mtimeMs: s.mtimeMs, dev: s.dev, ino: s.ino, ...rest };
      };
      const track = (title: string, mimeType: string, format: string) => ({
        track: { id: 'ab'.repeat(16), title, mimeType, format },
      });
      const file = path.join(dir, 'scan-cache.json');
      const records = {
        [video]: await record(video, track('Trailer', 'audio/webm', 'webm')),
        [broken]: await record(broken, { skip: 'could not read tags: COMMON CHUNK size' }),
        [song]: await record(song, track('Cached title', 'audio/mpeg', 'mp3')),
        [wav]: await record(wav, track('NoÃ©mie', 'audio/wav', 'wav')),
      };
      await writeFile(file, JSON.stringify({ version: 1, records }));
      const { lib, parsed } = makeLibrary(await ScanCache.open(file));
      const res = await lib.scanRoot(music, { exclude: [] });
      expect(parsed.sort()).toEqual([broken, video, wav].sort());
      expect(new Map(res.skipped.map((s) => [s.path, s.reason]))).toEqual(
        new Map([
          [video, VIDEO_REASON],
          [broken, 'its AIFF contents could not be read: the file may be damaged'],
        ]),
      );
      expect(
        lib
          .entries(music)
          .map((e) => e.title)
          .sort(),
      ).toEqual(['Cached title', 'Noémie']);
    } finally {
      await removeDir(dir);
    }
  });
});

async function place(rel: string, into: string): Promise<string> {
  const dest = path.join(into, path.basename(rel));
  await copyFile(path.join(CORPUS, rel), dest);
  return dest;
}
