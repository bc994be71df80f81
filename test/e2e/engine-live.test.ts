import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { CORPUS, fetchAll, startEngine, tempDir, waitTracks } from './helpers';
import { relPathOf } from '../../src/main/core/library/root-index';

/** A unique, valid MP3: a corpus file with a distinct tail (music-metadata ignores trailing bytes). */
async function mp3(tag: string): Promise<Buffer> {
  return Buffer.concat([
    await readFile(path.join(CORPUS, 'id3v2.3.mp3')),
    Buffer.from(`tail:${tag}`),
  ]);
}

describe('a live library through the engine', () => {
  let hub: Hub;
  let dir: string;
  let a: string;
  let b: string;
  let running: Awaited<ReturnType<typeof startEngine>> | null = null;

  beforeEach(async () => {
    hub = await startHub();
    dir = await tempDir('live');
    a = path.join(dir, 'a');
    b = path.join(dir, 'b');
    await mkdir(a);
    await mkdir(b);
    await writeFile(path.join(a, 'one.mp3'), await mp3('one'));
    await writeFile(path.join(b, 'two.mp3'), await mp3('two'));
  });

  afterEach(async () => {
    await running?.stop();
    running = null;
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the id and the per-track override when a file moves between shared folders', async () => {
    running = await startEngine(hub, [a, b]);
    await waitTracks(hub, (t) => t.length === 2);
    const id = hub
      .tracks()
      .find(
        (t) => relPathOf(running!.engine.library.get(t.id) ?? { root: '', path: '' }) === 'one.mp3',
      )!.id;
    await running.engine.invoke('setTrackDownload', [id], 'deny');
    await hub.waitFor(() => hub.tracks().find((t) => t.id === id)?.allowDownload === false, 3000);
    await rename(path.join(a, 'one.mp3'), path.join(b, 'moved.mp3'));
    await hub.waitFor(
      () => running!.engine.library.get(id)?.root === b && hub.tracks().some((t) => t.id === id),
      8000,
    );
    const moved = hub.tracks().find((t) => t.id === id);
    expect(moved?.allowDownload).toBe(false);
    expect(hub.tracks()).toHaveLength(2);
  });

  it('adds and removes folders at run time without reconnecting', async () => {
    running = await startEngine(hub, [a]);
    await waitTracks(hub, (t) => t.length === 1);
    const sessionId = hub.sessions()[0]!.id;
    await running.engine.invoke('addFolders', [b]);
    await waitTracks(hub, (t) => t.length === 2);
    await expect(running.engine.invoke('addFolders', [path.join(b, 'sub')])).rejects.toThrow(
      /inside/,
    );
    await running.engine.invoke('removeFolder', a);
    await waitTracks(hub, (t) => t.length === 1, 3000);
    expect(hub.sessions()[0]!.id).toBe(sessionId);
    expect(running.engine.library.entries().map((e) => relPathOf(e))).toEqual(['two.mp3']);
  });

  it('withdraws an offline folder and brings it back from the cache', async () => {
    running = await startEngine(hub, [a, b]);
    await waitTracks(hub, (t) => t.length === 2);
    const away = path.join(dir, 'a-unplugged');
    await rename(a, away);
    await waitTracks(hub, (t) => t.length === 1, 8000);
    const snap = await running.engine.invoke('getSnapshot');
    const folderA = snap.folders.find((f) => f.path === a)!;
    expect(folderA.state).toBe('offline');
    expect(folderA.tracks).toBe(1); // kept in the index, not published
    await rename(away, a);
    await waitTracks(hub, (t) => t.length === 2, 10_000);
  });

  it('during a long scan publishes partial lists, and the full list as soon as it ends', async () => {
    const big = path.join(dir, 'big');
    await mkdir(big);
    const data = await readFile(path.join(CORPUS, 'id3v2.3.mp3'));
    for (let i = 0; i < 2500; i++) {
      await writeFile(path.join(big, `s${i}.mp3`), Buffer.concat([data, Buffer.from(`@${i}`)]));
    }
    running = await startEngine(hub, [big]);
    await running.engine.whenScanned();
    const scannedAt = Date.now();
    await waitTracks(hub, (t) => t.length === 2500, 5000);
    const sends = hub.received.filter((f) => f.type === 'manifest');
    // The whole list reached the server promptly after the scan, not after a long partial interval.
    expect(sends.at(-1)!.at - scannedAt).toBeLessThan(1000);
    const partial = sends.filter((f) => f.at < scannedAt);
    expect(partial.length).toBeGreaterThanOrEqual(2); // tracks showed up while scanning
  }, 60_000);

  it('coalesces a burst of files into a handful of manifest sends', async () => {
    running = await startEngine(hub, [a]);
    await waitTracks(hub, (t) => t.length === 1);
    const before = hub.received.filter((f) => f.type === 'manifest').length;
    const data = await readFile(path.join(CORPUS, 'id3v2.3.mp3'));
    await mkdir(path.join(a, 'burst'));
    for (let i = 0; i < 300; i++) {
      await writeFile(
        path.join(a, 'burst', `t${i}.mp3`),
        Buffer.concat([data, Buffer.from(`#${i}`)]),
      );
    }
    await waitTracks(hub, (t) => t.length === 301, 20_000);
    const sends = hub.received.filter((f) => f.type === 'manifest').length - before;
    expect(sends).toBeGreaterThanOrEqual(1);
    expect(sends).toBeLessThanOrEqual(15);
  });

  it('republishes a permission change within a second and reconnects only for the global switch', async () => {
    running = await startEngine(hub, [a]);
    const [t] = await waitTracks(hub, (x) => x.length === 1);
    const session = hub.sessions()[0]!.id;
    const started = Date.now();
    await running.engine.invoke('setFolderOptions', a, { download: 'deny' });
    await hub.waitFor(() => hub.tracks()[0]?.allowDownload === false, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(hub.sessions()[0]!.id).toBe(session);
    await running.engine.invoke('setGlobalDownloads', false);
    await hub.waitFor(() => hub.sessions().length === 1 && hub.sessions()[0]!.id !== session, 5000);
    expect(hub.sessions()[0]!.allowDownloads).toBe(false);
    const url = `${hub.url}/api/peers/${hub.sessions()[0]!.id}/tracks/${t!.id}/download?token=tc_good`;
    await waitTracks(hub, (x) => x.length === 1);
    expect((await fetchAll(url)).status).toBe(403);
  });

  it('restarts with a warm cache and publishes before rescanning', async () => {
    running = await startEngine(hub, [a, b], { stateDir: path.join(dir, 'state') });
    await waitTracks(hub, (t) => t.length === 2);
    await running.stop();
    const parsed: string[] = [];
    running = await startEngine(hub, [a, b], {
      stateDir: path.join(dir, 'state'),
      extra: { library: { onParse: (p) => parsed.push(p) } },
    });
    await waitTracks(hub, (t) => t.length === 2);
    await running.engine.whenScanned();
    expect(parsed).toEqual([]);
    await writeFile(path.join(a, 'one.mp3'), await mp3('one, re-tagged'));
    await hub.waitFor(() => parsed.length === 1, 8000);
    expect(parsed).toEqual([path.join(a, 'one.mp3')]);
  });

  it('falls back to periodic rescans when a folder cannot be watched, and says why', async () => {
    running = await startEngine(hub, [a], {
      extra: {
        watch: {
          forcePolling: true,
          pollIntervalMs: 500,
          quietMs: 200,
          maxWaitMs: 1000,
          rootCheckMs: 300,
        },
      },
    });
    await waitTracks(hub, (t) => t.length === 1);
    const folder = (await running.engine.invoke('getSnapshot')).folders[0]!;
    expect(folder.state).toBe('polling');
    expect(folder.reason).toMatch(/rescanning every/i);
    await writeFile(path.join(a, 'polled.mp3'), await mp3('polled'));
    await waitTracks(hub, (t) => t.length === 2, 8000);
  });

  it('renames an untagged file: same id, title follows the new file name', async () => {
    const untagged = await readFile(path.join(CORPUS, 'silence-2s-16000 [no-tags].CBR-128.mp3'));
    await writeFile(path.join(a, 'Old Name.mp3'), untagged);
    running = await startEngine(hub, [a]);
    const before = await waitTracks(hub, (t) => t.some((x) => x.title === 'Old Name'));
    const id = before.find((x) => x.title === 'Old Name')!.id;
    await rename(path.join(a, 'Old Name.mp3'), path.join(a, 'New Name.mp3'));
    const after = await waitTracks(hub, (t) => t.some((x) => x.title === 'New Name'), 8000);
    expect(after.find((x) => x.title === 'New Name')!.id).toBe(id);
    expect(after.some((x) => x.title === 'Old Name')).toBe(false);
  });
});
