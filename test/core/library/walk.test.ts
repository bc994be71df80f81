import { appendFile, chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walk } from '../../../src/main/core/library/walk';
import { createExcluder } from '../../../src/main/core/library/exclude';
import { makeLibrary, place, removeDir, SAMPLES, tempDir } from './helpers';
import { relPathOf } from '../../../src/main/core/library/root-index';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('walking shared folders', () => {
  it('does not hang on symlink loops and follows links once', async () => {
    await place(SAMPLES.mp3, path.join(dir, 'a', 'b', 'song.mp3'));
    await symlink(path.join(dir, 'a'), path.join(dir, 'a', 'b', 'loop')); // a/b/loop -> a
    await symlink(dir, path.join(dir, 'a', 'up')); // a/up -> root
    await place(SAMPLES.flac, path.join(dir, 'outside-target', 'x.flac'));
    await symlink(path.join(dir, 'outside-target'), path.join(dir, 'linked'));
    const files: string[] = [];
    await walk(dir, {
      exclude: () => false,
      onFile: (f) => void files.push(f.relPath),
      onSkip: () => {},
    });
    // outside-target is reached once, either directly or through the link.
    expect(files.filter((f) => f.endsWith('song.mp3'))).toEqual(['a/b/song.mp3']);
    expect(files.filter((f) => f.endsWith('x.flac'))).toHaveLength(1);
  });

  it('records broken links and unreadable folders as skipped and goes on', async () => {
    await place(SAMPLES.mp3, path.join(dir, 'ok', 'song.mp3'));
    await symlink(path.join(dir, 'missing.mp3'), path.join(dir, 'dangling.mp3'));
    await symlink(path.join(dir, 'self'), path.join(dir, 'self')); // ELOOP
    const locked = path.join(dir, 'locked');
    await place(SAMPLES.untagged, path.join(locked, 'hidden-by-perms.mp3'));
    await chmod(locked, 0o000);
    const { lib } = makeLibrary();
    const res = await lib.scanRoot(dir, { exclude: [] });
    const reasons = new Map(res.skipped.map((s) => [path.relative(dir, s.path), s.reason]));
    expect(reasons.get('dangling.mp3')).toMatch(/broken symbolic link: it no longer exists/);
    expect(reasons.get('self')).toMatch(/symbolic link/);
    // Root ignores permissions, so chmod 000 cannot make a folder unreadable when tests run as root.
    if (process.getuid?.() !== 0)
      expect(reasons.get('locked')).toBe('could not read folder: permission denied');
    expect(lib.entries().map((e) => relPathOf(e))).toContain('ok/song.mp3');
  });

  it('reports a folder that turns out not to be a folder (read error) as skipped', async () => {
    // A file where the walk expects a directory: readdir fails with ENOTDIR, like an unreadable folder.
    await writeFile(path.join(dir, 'file'), 'x');
    const skipped: [string, string][] = [];
    await expect(
      walk(path.join(dir, 'file'), {
        exclude: () => false,
        onFile: () => {},
        onSkip: (p, r) => skipped.push([p, r]),
      }),
    ).resolves.toBeUndefined();
    expect(skipped).toEqual([[path.join(dir, 'file'), 'could not read folder: not a folder']]);
  });

  it('ignores hidden, junk and excluded paths, and non-audio files', async () => {
    const keep = ['Artist/Album/01 Song.mp3', 'Artist/Album/02.flac'];
    const ignored = [
      '.hidden/x.mp3',
      'Artist/.secret.mp3',
      'Artist/._01 Song.mp3',
      '@eaDir/thumb.mp3',
      '#recycle/old.mp3',
      '$RECYCLE.BIN/old.mp3',
      '.Trash-1000/files/old.mp3',
      'lost+found/x.mp3',
      'System Volume Information/x.mp3',
      'Podcasts/ep1.mp3',
      'Artist/Album/take.wav',
    ];
    for (const rel of keep)
      await place(rel.endsWith('.flac') ? SAMPLES.flac : SAMPLES.mp3, path.join(dir, rel));
    // Each ignored file gets unique bytes, so a wrongly indexed one could not hide behind id dedup.
    for (const rel of ignored)
      await appendFile(await place(SAMPLES.untagged, path.join(dir, rel)), rel);
    await writeFile(path.join(dir, 'Artist/Album/cover.jpg'), 'jpg');
    await writeFile(path.join(dir, 'Artist/Album/album.cue'), 'cue');
    await writeFile(path.join(dir, 'Artist/Thumbs.db'), 'x');
    await mkdir(path.join(dir, 'empty'));
    const { lib } = makeLibrary();
    const res = await lib.scanRoot(dir, { exclude: ['Podcasts/', '*.wav'] });
    expect(
      lib
        .entries()
        .map((e) => relPathOf(e))
        .sort(),
    ).toEqual(keep);
    expect(res.skipped).toEqual([]);
    expect(res.tracks).toBe(2);

    const ex = createExcluder(['Podcasts/']);
    const seen: string[] = [];
    await walk(dir, {
      exclude: ex,
      accept: (n) => n.endsWith('.jpg'),
      onFile: (f) => void seen.push(f.relPath),
      onSkip: () => {},
    });
    expect(seen).toEqual(['Artist/Album/cover.jpg']);
  });

  it('uses the file name as title when tags have none', async () => {
    await place(SAMPLES.untagged, path.join(dir, 'My Untagged Track.mp3'));
    const { lib } = makeLibrary();
    await lib.scanRoot(dir, { exclude: [] });
    const [e] = lib.entries();
    expect(e?.title).toBe('My Untagged Track');
    expect(e?.artist).toBeUndefined();
    expect(e?.mimeType).toBe('audio/mpeg');
  });

  it('rejects a missing root without dropping what is known about it', async () => {
    const root = path.join(dir, 'drive');
    await place(SAMPLES.mp3, path.join(root, 'a.mp3'));
    const { lib } = makeLibrary();
    await lib.scanRoot(root, { exclude: [] });
    await removeDir(root);
    await expect(lib.scanRoot(root, { exclude: [] })).rejects.toThrow(
      /cannot be read: it no longer exists/,
    );
    expect(lib.entries(root)).toHaveLength(1);
  });
});

describe('walking in name order (slow media)', () => {
  it('reports each folder in name order, whatever order the file system lists it in', async () => {
    const names = ['b.mp3', 'a.mp3', '10.mp3', '02.mp3', 'B.mp3', 'é.mp3'];
    for (const n of names) await place(SAMPLES.mp3, path.join(dir, n));
    const files: string[] = [];
    await walk(dir, {
      exclude: () => false,
      ordered: true,
      onFile: (f) => void files.push(f.relPath),
      onSkip: () => {},
    });
    expect(files).toEqual(['02.mp3', '10.mp3', 'B.mp3', 'a.mp3', 'b.mp3', 'é.mp3']);
  });
});
