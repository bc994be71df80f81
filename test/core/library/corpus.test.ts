import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAudioFile } from '../../../src/main/core/library/mime';
import { CORPUS, makeLibrary } from './helpers';
import { relPathOf } from '../../../src/main/core/library/root-index';

describe('scanning the real corpus', () => {
  it('indexes or skips (with a reason) every audio file, and finishes', async () => {
    const all = (await readdir(CORPUS, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name));
    const audio = all.filter((p) => isAudioFile(p));
    expect(audio.length).toBeGreaterThan(100);

    const { lib, deltas } = makeLibrary();
    const progress: number[] = [];
    lib.on('progress', (_root, p) => {
      if (p.done) progress.push(p.found);
    });
    const res = await lib.scanRoot(CORPUS, { exclude: [], appOnly: true });

    const indexedPaths = new Set(lib.entries(CORPUS).map((e) => e.path));
    const skippedPaths = new Set(res.skipped.map((s) => s.path));
    // Counts add up: each audio file is exactly one of indexed / skipped.
    expect(indexedPaths.size + skippedPaths.size).toBe(audio.length);
    for (const p of audio) expect(indexedPaths.has(p) !== skippedPaths.has(p), p).toBe(true);
    for (const s of res.skipped) expect(s.reason.length).toBeGreaterThan(5);
    // Deliberately broken files are among the skipped.
    expect(skippedPaths.has(path.join(CORPUS, 'aiff/CWE-835-01.aiff'))).toBe(true);
    // Non-audio files are ignored silently.
    for (const p of all.filter((x) => !isAudioFile(x)))
      expect(skippedPaths.has(p) || indexedPaths.has(p)).toBe(false);

    expect(res.tracks).toBe(indexedPaths.size);
    expect(progress).toEqual([audio.length]);
    expect(deltas.flatMap((d) => d.added).length).toBe(indexedPaths.size);

    const byRel = new Map(lib.entries().map((e) => [relPathOf(e), e]));
    expect(byRel.get("MusicBrainz - Beth Hart - Sinner's Prayer.flac")).toMatchObject({
      mimeType: 'audio/flac',
      format: 'flac',
      title: "Sinner's Prayer",
      artist: 'Beth Hart & Joe Bonamassa',
      album: "Don't Explain",
      size: 413077,
    });
    expect(byRel.get("MusicBrainz - Beth Hart - Sinner's Prayer.m4a")?.mimeType).toBe('audio/mp4');
    expect(byRel.get('ogg/audio.vorbis.ogg')?.mimeType).toBe('audio/ogg');
    expect(byRel.get('issue_75.wav')?.mimeType).toBe('audio/wav');
    expect(byRel.get('rating/testcase.opus')?.mimeType).toBe('audio/opus');
    expect(byRel.get('mp4/issue-127.m4b')?.duration).toBeGreaterThan(15000); // read with the file tokenizer
    for (const e of lib.entries()) {
      expect(e.id).toMatch(/^[0-9a-f]{32}$/);
      expect(e.title.trim()).not.toBe('');
      if (e.duration !== undefined)
        expect(Number.isFinite(e.duration) && e.duration > 0).toBe(true);
    }
  });
});
