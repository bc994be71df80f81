import { readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { copyCorpus, CORPUS, fetchAll, sha256, startEngine, tempDir, waitTracks } from './helpers';
import { relPathOf } from '../../src/main/core/library/root-index';

/** End to end: the real engine, published to the hub emulator, listened to through its HTTP side. */
describe('engine through the hub emulator', () => {
  let hub: Hub;
  let dir: string;
  let music: string;
  let stop: () => Promise<void>;
  let engine: Awaited<ReturnType<typeof startEngine>>['engine'];

  beforeAll(async () => {
    hub = await startHub();
    dir = await tempDir('serve');
    music = await copyCorpus(dir);
    ({ engine, stop } = await startEngine(hub, [music]));
    await engine.whenScanned();
    const expected = engine.manifest().length;
    await waitTracks(hub, (t) => t.length === expected);
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const streamUrl = (id: string, kind: 'stream' | 'download' = 'stream') =>
    `${hub.url}/api/peers/${hub.sessions()[0]!.id}/tracks/${id}/${kind}?token=tc_good`;

  it('publishes the corpus with unique ids, real MIME types and exact sizes', async () => {
    const tracks = hub.tracks();
    expect(tracks.length).toBeGreaterThan(80);
    expect(new Set(tracks.map((t) => t.id)).size).toBe(tracks.length);
    for (const t of tracks) {
      expect(t.title.length).toBeGreaterThan(0);
      expect(t.mimeType).toMatch(/^audio\//);
      expect(t.id).toMatch(/^[0-9a-f]+$/);
    }
    const flac = engine.library.entries().find((e) => relPathOf(e) === 'flac.flac');
    expect(flac?.mimeType).toBe('audio/flac');
  });

  it('streams and downloads every published track byte-identical with the right headers', async () => {
    const entries = engine.library.entries();
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const t of hub.tracks()) {
      const entry = byId.get(t.id)!;
      const original = await readFile(entry.path);
      for (const kind of ['stream', 'download'] as const) {
        const res = await fetchAll(streamUrl(t.id, kind));
        expect(res.status, `${kind} ${relPathOf(entry)}`).toBe(200);
        expect(res.type).toBe(t.mimeType);
        expect(Number(res.length)).toBe(original.length);
        expect(sha256(res.body), `${kind} ${relPathOf(entry)}`).toBe(sha256(original));
      }
    }
  }, 120_000);

  it('tells the window when a track has been played, and lets the upload rate fall back to 0', async () => {
    const [t] = hub.tracks();
    const changed: number[] = [];
    const off = engine.on('tracks', (d) => {
      for (const c of d.changed) if (c.id === t!.id) changed.push(c.plays);
    });
    const before = (await engine.invoke('listTracks')).find((x) => x.id === t!.id)!.plays;
    expect((await fetchAll(streamUrl(t!.id))).status).toBe(200);
    await hub.waitFor(() => changed.includes(before + 1), 5000);
    const rates: number[] = [];
    const offT = engine.on('transfers', (x) => rates.push(x.totals.rate));
    await hub.waitFor(() => rates.at(-1) === 0, 8000);
    off();
    offT();
  });

  it('refuses a download exactly when the effective permission is off', async () => {
    const [first, second] = hub.tracks();
    await engine.invoke('setTrackDownload', [first!.id], 'deny');
    await hub.waitFor(
      () => hub.tracks().find((t) => t.id === first!.id)?.allowDownload === false,
      5000,
    );
    expect((await fetchAll(streamUrl(first!.id, 'download'))).status).toBe(403);
    expect((await fetchAll(streamUrl(first!.id, 'stream'))).status).toBe(200);
    expect((await fetchAll(streamUrl(second!.id, 'download'))).status).toBe(200);
    await engine.invoke('setFolderOptions', music, { download: 'deny' });
    await hub.waitFor(() => hub.tracks().every((t) => t.allowDownload === false), 5000);
    expect((await fetchAll(streamUrl(second!.id, 'download'))).status).toBe(403);
    await engine.invoke('setTrackDownload', [second!.id], 'allow');
    await hub.waitFor(
      () => hub.tracks().find((t) => t.id === second!.id)?.allowDownload === true,
      5000,
    );
    expect((await fetchAll(streamUrl(second!.id, 'download'))).status).toBe(200);
    await engine.invoke('setFolderOptions', music, { download: 'inherit' });
    await engine.invoke('setTrackDownload', [first!.id, second!.id], 'inherit');
    await hub.waitFor(() => hub.tracks().every((t) => t.allowDownload === true), 5000);
  });

  it('answers chunk_error (HTTP 500) for a file changed since publishing, then republishes it', async () => {
    const entry = engine.library.entries().find((e) => e.format === 'mp3' && e.size > 50_000)!;
    await appendFile(entry.path, Buffer.alloc(1000, 1));
    const res = await fetchAll(streamUrl(entry.id));
    expect(res.status).toBe(500);
    const newSize = entry.size + 1000;
    const tracks = await waitTracks(hub, (t) =>
      t.some((x) => x.fileSizeBytes === newSize && x.title === entry.title),
    );
    const fresh = tracks.find((x) => x.fileSizeBytes === newSize && x.title === entry.title)!;
    const again = await fetchAll(streamUrl(fresh.id));
    expect(again.status).toBe(200);
    expect(sha256(again.body)).toBe(sha256(await readFile(entry.path)));
  });

  it('answers 500 for a vanished file and withdraws it', async () => {
    const entry = engine.library.entries().find((e) => e.format === 'wav')!;
    await rm(entry.path);
    expect((await fetchAll(streamUrl(entry.id))).status).toBe(500);
    await waitTracks(hub, (t) => !t.some((x) => x.id === entry.id));
  });

  it('picks up a new file written into the shared folder', async () => {
    const src = path.join(CORPUS, 'id3v2.4.mp3');
    const data = Buffer.concat([await readFile(src), Buffer.from('unique tail for a new id')]);
    await writeFile(path.join(music, 'new-bounce.mp3'), data);
    const tracks = await waitTracks(
      hub,
      (t) => t.some((x) => x.fileSizeBytes === data.length),
      10_000,
    );
    expect(tracks.some((x) => x.fileSizeBytes === data.length)).toBe(true);
  });
});
