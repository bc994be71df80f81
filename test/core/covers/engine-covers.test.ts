/**
 * Covers through the engine: a cold scan of files with embedded pictures makes no cover (the scan
 * parses with skipCovers), and a request afterwards finds the file by its track id.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/core/engine';
import { MemorySecretStore, MemorySettingsStore } from '../../../src/main/core/settings/store';
import { CORPUS, place, removeDir, tempDir } from '../library/helpers';

let dir = '';
let engine: Engine | undefined;

afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  await removeDir(dir);
});

describe('the engine and covers', () => {
  it('makes covers on request only, never while scanning', async () => {
    dir = await tempDir('engine-covers-');
    const music = path.join(dir, 'music');
    await place(path.join(CORPUS, 'id3v2.3.mp3'), path.join(music, 'home.mp3'));
    await place(path.join(CORPUS, 'issue_75.wav'), path.join(music, 'bare.wav'));
    const settings = new MemorySettingsStore({});
    // Paused: no server needed; the library scans all the same.
    settings.update({ paused: true, folders: [{ path: music, download: 'inherit', exclude: [] }] });
    const resized: number[] = [];
    engine = await Engine.create({
      stateDir: path.join(dir, 'state'),
      settings,
      secrets: new MemorySecretStore(null),
      host: 'desktop',
      version: 'test',
      watch: { watch: false },
      coverResizer: async (picture) => {
        resized.push(picture.length);
        return Buffer.from([0xff, 0xd8, 0xff, 0xdb]);
      },
    });
    await engine.start();
    await engine.whenScanned();
    const entries = engine.library.entries();
    expect(entries).toHaveLength(2);
    expect(engine.covers.extractions).toBe(0);
    await expect(readdir(path.join(dir, 'state', 'covers'))).rejects.toThrow(/ENOENT/);

    const byName = (n: string) => entries.find((e) => path.basename(e.path) === n)!.id;
    expect((await engine.covers.get(byName('home.mp3'))).status).toBe('cover');
    expect(await engine.covers.get(byName('bare.wav'))).toEqual({ status: 'none' });
    expect(resized).toEqual([80_938]);
    expect((await readdir(path.join(dir, 'state', 'covers'))).sort()).toEqual(
      [`${byName('bare.wav')}.none`, `${byName('home.mp3')}.img`].sort(),
    );
  });
});
