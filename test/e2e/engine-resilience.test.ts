import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { fetchAll, makeWav, sha256, startEngine, tempDir, waitTracks } from './helpers';

const BIG = 24 * 1024 * 1024;

describe('serving under stress through the engine', () => {
  let hub: Hub;
  let dir: string;
  let running: Awaited<ReturnType<typeof startEngine>>;
  const files = new Map<number, Buffer>();

  beforeAll(async () => {
    hub = await startHub();
    dir = await tempDir('stress');
    const music = path.join(dir, 'music');
    await mkdir(music);
    files.set(BIG, makeWav(BIG, 7));
    files.set(3_000_000, makeWav(3_000_000, 9));
    for (const [size, data] of files) await writeFile(path.join(music, `w${size}.wav`), data);
    running = await startEngine(hub, [music], { settings: { maxConcurrentTransfers: 8 } });
    await waitTracks(hub, (t) => t.length === 2);
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const url = (size: number) => {
    const track = hub.tracks().find((t) => t.fileSizeBytes === files.get(size)!.length)!;
    return `${hub.url}/api/peers/${hub.sessions()[0]!.id}/tracks/${track.id}/stream?token=tc_good`;
  };

  it('stops reading soon after a listener goes away (cancel_request)', async () => {
    const ac = new AbortController();
    const res = await fetch(url(BIG), { signal: ac.signal });
    const reader = res.body!.getReader();
    let got = 0;
    while (got < 1024 * 1024) got += (await reader.read()).value?.length ?? 0;
    ac.abort();
    await new Promise((r) => setTimeout(r, 500));
    const chunks = hub.received.filter((f) => f.type === 'chunk').length;
    await new Promise((r) => setTimeout(r, 500));
    expect(hub.received.filter((f) => f.type === 'chunk').length).toBe(chunks);
    expect(chunks * 64 * 1024).toBeLessThan(BIG / 2);
    const info = (await running.engine.invoke('getSnapshot')).transfers;
    expect(info.some((t) => t.state === 'cancelled')).toBe(true);
  });

  it('serves 20 concurrent listeners byte-identical with a bounded send window', async () => {
    const expected = sha256(files.get(3_000_000)!);
    const results = await Promise.all(Array.from({ length: 20 }, () => fetchAll(url(3_000_000))));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(sha256(r.body)).toBe(expected);
    }
    const debug = running.engine.transferDebug();
    expect(debug.peakInflightBytes).toBeLessThanOrEqual(512 * 1024 + 100 * 1024);
    expect(debug.peakReadAheadBytes).toBeLessThanOrEqual(debug.readAheadBound);
  }, 60_000);

  it('reconnects and republishes the same ids after a server restart mid-stream', async () => {
    const before = hub
      .tracks()
      .map((t) => t.id)
      .sort();
    const oldSession = hub.sessions()[0]!.id;
    const res = await fetch(url(BIG));
    const reader = res.body!.getReader();
    await reader.read();
    await hub.restart();
    await reader.read().catch(() => undefined);
    await hub.waitFor(
      () =>
        hub.sessions().length === 1 &&
        hub.sessions()[0]!.id !== oldSession &&
        hub.tracks().length === 2,
      10_000,
    );
    expect(
      hub
        .tracks()
        .map((t) => t.id)
        .sort(),
    ).toEqual(before);
    const again = await fetchAll(url(3_000_000));
    expect(sha256(again.body)).toBe(sha256(files.get(3_000_000)!));
  }, 30_000);
});
