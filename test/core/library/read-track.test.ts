import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTrack, titleFromFileName } from '../../../src/main/core/library/read-track';
import { formatDuration, withTimeout } from '../../../src/main/core/fs/with-timeout';
import { CORPUS, makeLibrary, place, removeDir, SAMPLES, tempDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('readTrack', () => {
  it('reads tags, exact size and duration', async () => {
    const p = await place(SAMPLES.flac, path.join(dir, 'x.flac'));
    const r = await readTrack(p);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.stamp.size).toBe(413077);
    expect(r.track).toMatchObject({
      title: "Sinner's Prayer",
      mimeType: 'audio/flac',
      format: 'flac',
    });
    expect(r.track.duration).toBeCloseTo(2.123, 2);
  });

  it('times out a parser that hangs, aborts it, and says so', async () => {
    const p = await place(SAMPLES.mp3, path.join(dir, 'slow.mp3'));
    let aborted = false;
    const started = Date.now();
    const r = await readTrack(p, {
      timeoutMs: 200,
      parse: (tokenizer) =>
        new Promise((_resolve, reject) => {
          // A parser stuck waiting for data; the abort reaches it through the tokenizer's signal.
          void tokenizer.peekBuffer(new Uint8Array(1)).then(() => undefined);
          setTimeout(() => {
            aborted = true;
            reject(new Error('late'));
          }, 10_000).unref();
        }),
    });
    expect(r).toMatchObject({ ok: false, reason: 'timed out reading tags after 200 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aborted).toBe(false);
  });

  it('reads every corpus file the same with synchronous reads (parse threads) as without', async () => {
    const files = (await readdir(CORPUS, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      const name = path.relative(CORPUS, f);
      const plain = await readTrack(f);
      expect(await readTrack(f, { syncReads: true }), name).toEqual(plain);
      if (plain.stamp) {
        // With the caller's stamp too (the pool passes one when the main thread stat'ed first).
        expect(await readTrack(f, { syncReads: true, stamp: plain.stamp }), name).toEqual(plain);
      }
    }
    // The same reasons for what is not a readable song.
    await writeFile(path.join(dir, 'empty.mp3'), '');
    await mkdir(path.join(dir, 'folder.mp3'));
    for (const name of ['missing.mp3', 'empty.mp3', 'folder.mp3']) {
      const p = path.join(dir, name);
      expect(await readTrack(p, { syncReads: true }), name).toEqual(await readTrack(p));
    }
  });

  it('skips unreadable and empty files with a reason', async () => {
    expect(await readTrack(path.join(dir, 'missing.mp3'))).toEqual({
      ok: false,
      reason: 'could not open file: it no longer exists',
    });
    const empty = path.join(dir, 'empty.mp3');
    await writeFile(empty, '');
    expect(await readTrack(empty)).toMatchObject({ ok: false, reason: 'empty file' });
    const junk = path.join(dir, 'junk.flac');
    await writeFile(junk, Buffer.alloc(4096, 1));
    expect(await readTrack(junk)).toMatchObject({
      ok: false,
      reason: 'its FLAC contents could not be read: the file may be damaged',
    });
  });

  it('never blocks on a FIFO named like a song', async () => {
    const fifo = path.join(dir, 'pipe.mp3');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this platform: nothing to guard against
    }
    expect(await readTrack(fifo, { timeoutMs: 5000 })).toEqual({
      ok: false,
      reason: 'not a regular file',
    });
    const { lib } = makeLibrary();
    const res = await lib.scanRoot(dir, { exclude: [] });
    expect(res).toMatchObject({ tracks: 0, bytes: 0, skipped: [], notes: [], readFromDisk: 0 });
  });

  it('falls back to the file name for the title', () => {
    expect(titleFromFileName('/m/01 - Intro.flac')).toBe('01 - Intro');
    expect(titleFromFileName('/m/noext')).toBe('noext');
    expect(titleFromFileName('/m/.mp3')).toBe('.mp3');
  });
});

describe('withTimeout', () => {
  it('frees the caller from an operation that never settles, and passes results through', async () => {
    const started = Date.now();
    await expect(withTimeout(new Promise(() => {}), 50)).rejects.toThrow('timed out after 50 ms');
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(1500)).toBe('1.5 s');
  });

  it('syncReads (parse threads) gives the same results and the same clear reasons', async () => {
    const p = await place(SAMPLES.flac, path.join(dir, 'x.flac'));
    const [a, b] = [await readTrack(p), await readTrack(p, { syncReads: true })];
    expect(b).toEqual(a);
    expect(b.ok).toBe(true);
    // A file that shrank after it was listed: the stamp promises more bytes than are there.
    const stamp = b.stamp!;
    const shrunk = await readTrack(p, {
      syncReads: true,
      stamp: { ...stamp, size: stamp.size + 10 },
    });
    expect(shrunk).toMatchObject({ ok: false, reason: 'file changed while it was being read' });
    const gone = await readTrack(path.join(dir, 'gone.mp3'), { syncReads: true, stamp });
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.reason).toMatch(/^could not read file: /);
  });
});
