/**
 * What the engine tells the window so its numbers agree (issue 12, "The window") and what issue 17
 * needs shown: the tracks a folder shares with an earlier folder (published once), the machine's
 * name, notes of files published with a damaged tag, and tracks published download-only.
 */
import { hostname } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/core/engine';
import { MemorySecretStore, MemorySettingsStore } from '../../src/main/core/settings/store';
import { makeWav, tempDir } from '../e2e/helpers';
import { damagedCorpus } from './library/damaged-files';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the engine’s folder statuses, snapshot and tracks for the window', () => {
  it('counts duplicates where the numbers meet, names the machine, notes damaged tags, marks app-only tracks', async () => {
    const dir = await tempDir('window-data');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const a = path.join(dir, 'Music');
    const b = path.join(dir, 'Backup');
    await mkdir(a);
    await mkdir(b);
    const same = makeWav(20_000, 1);
    await writeFile(path.join(a, 'one.wav'), same);
    await writeFile(path.join(a, 'two.wav'), makeWav(20_000, 2));
    const damaged = damagedCorpus();
    await writeFile(path.join(a, 'compressed-frame.mp3'), damaged['compressed-frame.mp3']!);
    await writeFile(path.join(b, 'one copy.wav'), same);
    await writeFile(path.join(b, 'lossless.tta'), damaged['lossless.tta']!);

    const settings = new MemorySettingsStore({});
    settings.update({
      folders: [
        { path: a, download: 'inherit', exclude: [] },
        { path: b, download: 'inherit', exclude: [], appOnly: true },
      ],
    });
    const engine = await Engine.create({
      stateDir: path.join(dir, 'state'),
      settings,
      secrets: new MemorySecretStore(null),
      host: 'headless',
      version: 'test',
      watch: { watch: false },
    });
    cleanups.push(() => engine.stop());
    await engine.start();
    await engine.whenScanned();

    const snap = await engine.invoke('getSnapshot');
    expect(snap.hostname).toBe(hostname());
    const [fa, fb] = snap.folders;
    expect(fa!.tracks).toBe(3);
    expect(fb!.tracks).toBe(2);
    // The copy in the second folder is counted there too, but published once.
    expect(fa!.duplicates).toBeUndefined();
    expect(fb!.duplicates).toEqual({ tracks: 1, alsoIn: [a] });
    expect(snap.trackCount).toBe(fa!.tracks + fb!.tracks - fb!.duplicates!.tracks);

    // Published with a damaged tag: its note is in the folder's status, beside the skipped list.
    expect(fa!.notes?.map((n) => path.basename(n.path))).toEqual(['compressed-frame.mp3']);
    expect(fa!.notes?.[0]?.reason).toMatch(/tag/);
    expect(fb!.notes).toBeUndefined();

    const tracks = await engine.invoke('listTracks');
    const byName = new Map(tracks.map((t) => [path.basename(t.relPath), t]));
    expect(byName.get('lossless.tta')?.downloadOnly).toBe(true);
    expect(byName.get('two.wav')?.downloadOnly).toBe(false);
    expect(byName.get('compressed-frame.mp3')?.downloadOnly).toBe(false);
  });
});
