import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav, startEngine, tempDir } from './helpers';

let hub: Hub;
let dir: string;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  hub = await startHub();
  dir = await tempDir('add-folders');
});

afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
  await hub.close();
  await chmod(path.join(dir, 'locked'), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('adding a folder from the window', () => {
  it('refuses a missing folder or a file with the reasons the daemon gives, and adds nothing', async () => {
    const e = await startEngine(hub, []);
    stops.push(e.stop);
    const song = path.join(dir, 'song.wav');
    await writeFile(song, makeWav(10_000, 1));
    await expect(e.engine.invoke('addFolders', ['/nonexistent/music'])).rejects.toThrow(
      'folder not found: /nonexistent/music',
    );
    await expect(e.engine.invoke('addFolders', [song])).rejects.toThrow(`not a folder: ${song}`);
    const snap = await e.engine.invoke('getSnapshot');
    expect(snap.folders).toEqual([]);
    expect(snap.settings.folders).toEqual([]);
  });

  it('adds the good folders of a mixed list and says why the others were not', async () => {
    const e = await startEngine(hub, []);
    stops.push(e.stop);
    const good = path.join(dir, 'good');
    await mkdir(good);
    const added = await e.engine.invoke('addFolders', [good, path.join(dir, 'missing')]);
    expect(added.map((f) => f.path)).toEqual([good]);
    const snap = await e.engine.invoke('getSnapshot');
    expect(snap.activity.map((a) => a.message)).toContain(
      `folder not found: ${path.join(dir, 'missing')}`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot read', async () => {
    const e = await startEngine(hub, []);
    stops.push(e.stop);
    const locked = path.join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o000);
    await expect(e.engine.invoke('addFolders', [locked])).rejects.toThrow(
      `folder not readable: ${locked}`,
    );
  });
});
