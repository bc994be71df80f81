/**
 * The peer API between two real engines with LAN sharing on 127.0.0.1: B pairs with A by link,
 * then browses and searches A's shared folders, plays a range from the middle of a track through
 * the loopback proxy, downloads a folder, and is held to per-folder grants; unpairing cuts a
 * response mid-stream; a client without a certificate, or with an unpaired one, and path-like
 * ids get nothing.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/core/engine';
import { createIdentity } from '../../../src/main/core/lan/identity';
import { peerRequest } from '../../../src/main/core/lan/peer/peer-client';
import { MemorySecretStore, MemorySettingsStore } from '../../../src/main/core/settings/store';
import { makeWav, tempDir } from '../../e2e/helpers';

const engines: Engine[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const e of engines) await e.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function engine(folders: string[] = []): Promise<{ e: Engine; stateDir: string }> {
  const stateDir = await tempDir('peer-api');
  dirs.push(stateDir);
  const settings = new MemorySettingsStore({});
  settings.update({
    lan: { enabled: true, port: 0, host: '127.0.0.1' },
    folders: folders.map((p) => ({ path: p, download: 'inherit', exclude: [] })),
  });
  const e = await Engine.create({
    stateDir,
    settings,
    secrets: new MemorySecretStore(null),
    host: 'headless',
    version: 'test',
    lan: { tokenPollMs: 200 },
  });
  await e.start();
  engines.push(e);
  return { e, stateDir };
}

describe('the peer API over mutual TLS', () => {
  it('browses, searches, plays with seeking, downloads, and follows grants', async () => {
    const music = await tempDir('peer-music');
    dirs.push(music);
    const [jazz, live] = [path.join(music, 'Jazz'), path.join(music, 'Live')];
    await mkdir(path.join(jazz, 'Blue Album'), { recursive: true });
    await mkdir(live);
    const big = makeWav(3_000_000, 7);
    await writeFile(path.join(jazz, 'Blue Album', '01 Opening.wav'), big);
    await writeFile(path.join(jazz, 'Blue Album', '02 Closing.wav'), makeWav(400_000, 8));
    await writeFile(path.join(live, 'Encore.wav'), makeWav(300_000, 9));
    // Longer than socket buffers hold, so a response to cut is still flowing.
    await writeFile(path.join(jazz, 'Long Take.wav'), makeWav(40_000_000, 10));
    const a = await engine([jazz, live]);
    await a.e.whenScanned();
    const b = await engine();
    const [link] = await a.e.invoke('createPairLink');
    expect(await b.e.invoke('pairWithLink', link!)).toBeTypeOf('string');
    const aId = (await a.e.invoke('getNearby')).myId!;
    const bId = (await b.e.invoke('getNearby')).myId!;
    // A remembered where B listens, and B where A does: reachable without multicast.
    expect((await a.e.invoke('getNearby')).paired[0]!.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await b.e.invoke('getNearby')).paired[0]!.address).toMatch(/^127\.0\.0\.1:\d+$/);

    const roots = await b.e.invoke('browsePeer', aId, '');
    expect(roots.folders.map((f) => f.name)).toEqual(['Jazz', 'Live']);
    expect((await b.e.invoke('browsePeer', aId, 'Jazz')).folders).toEqual([
      { path: 'Jazz/Blue Album', name: 'Blue Album' },
    ]);
    const album = await b.e.invoke('browsePeer', aId, 'Jazz/Blue Album');
    expect(album.tracks.map((t) => [t.path, t.size, t.mimeType])).toEqual([
      ['Jazz/Blue Album/01 Opening.wav', big.length, 'audio/wav'],
      ['Jazz/Blue Album/02 Closing.wav', expect.any(Number), 'audio/wav'],
    ]);
    const found = await b.e.invoke('searchPeer', aId.slice(0, 12), 'encore');
    expect(found.tracks.map((t) => t.path)).toEqual(['Live/Encore.wav']);
    expect((await b.e.invoke('searchPeer', aId, 'blue')).folders.map((f) => f.path)).toEqual([
      'Jazz/Blue Album',
    ]);

    // Playing through the loopback proxy: a range from the middle, byte for byte.
    const url = await b.e.invoke('peerTrackUrl', aId, album.tracks[0]!.id);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{43}\//);
    const mid = await fetch(url, { headers: { Range: 'bytes=1500000-1600000' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 1500000-1600000/${big.length}`);
    expect(Buffer.from(await mid.arrayBuffer()).equals(big.subarray(1500000, 1600001))).toBe(true);
    const etag = mid.headers.get('etag')!;
    const again = await fetch(url, { headers: { Range: 'bytes=2000000-', 'If-Range': etag } });
    expect(again.status).toBe(206);
    expect(Buffer.from(await again.arrayBuffer()).equals(big.subarray(2000000))).toBe(true);
    expect((await fetch(url.replace(/\/[\w-]{43}\//, `/${'A'.repeat(43)}/`))).status).toBe(404);

    // Downloads are the user's to allow: refused until granted, then a whole folder.
    const dest = await tempDir('peer-dest');
    dirs.push(dest);
    const refused = await b.e.invoke('downloadFromPeer', aId, { folder: 'Jazz/Blue Album' }, dest);
    expect(refused).toHaveLength(2);
    await expect
      .poll(async () => (await b.e.invoke('getDownloads')).map((d) => [d.state, d.error]))
      .toEqual([
        ['failed', expect.stringMatching(/403/)],
        ['failed', expect.stringMatching(/403/)],
      ]);
    await a.e.invoke('setPeerGrants', bId.slice(0, 10), { grants: { download: true } });
    for (const d of refused) await b.e.invoke('resumeDownload', d.id);
    await expect
      .poll(async () => (await b.e.invoke('getDownloads')).map((d) => d.state))
      .toEqual(['done', 'done']);
    expect(await readFile(path.join(dest, 'Blue Album', '01 Opening.wav'))).toEqual(big);
    const s = await b.e.invoke('getDownloads');
    expect(s.every((d) => d.peerId === aId)).toBe(true);

    // Per folder: Live taken away entirely; Jazz still listed.
    await a.e.invoke('setPeerGrants', bId, {
      folder: live,
      grants: { browse: false, stream: false, download: false },
    });
    expect((await b.e.invoke('browsePeer', aId, '')).folders.map((f) => f.name)).toEqual(['Jazz']);
    await expect(b.e.invoke('browsePeer', aId, 'Live')).rejects.toThrow(/403/);
    expect((await b.e.invoke('searchPeer', aId, 'encore')).tracks).toEqual([]);
    const encoreUrl = await b.e.invoke('peerTrackUrl', aId, found.tracks[0]!.id);
    expect((await fetch(encoreUrl)).status).toBe(403);

    // Revocation mid-stream: a grant turned off, then unpairing, cut the open response at once.
    const long = (await b.e.invoke('searchPeer', aId, 'long take')).tracks[0]!;
    const longUrl = await b.e.invoke('peerTrackUrl', aId, long.id);
    const cutWhen = async (revoke: () => Promise<unknown>) => {
      const res = await fetch(longUrl);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      await revoke();
      let got = 0;
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) got += r.value.length;
      } catch {
        return got < long.size ? 'cut' : 'ended';
      }
      return 'ended';
    };
    expect(
      await cutWhen(() =>
        a.e.invoke('setPeerGrants', bId, { folder: jazz, grants: { stream: false } }),
      ),
    ).toBe('cut');
    expect((await fetch(longUrl)).status).toBe(403);
    await a.e.invoke('setPeerGrants', bId, { folder: jazz, inherit: true });
    expect(await cutWhen(() => a.e.invoke('unpairDevice', bId))).toBe('cut');
    await expect(b.e.invoke('browsePeer', aId, '')).rejects.toThrow(/not paired/);
  }, 60_000);

  it('refuses a client without a certificate, an unpaired one, and path-like ids', async () => {
    const { e } = await engine();
    const [link] = await e.invoke('createPairLink');
    const m = /addr=([\d.]+):(\d+)&id=([0-9a-f]{64})/.exec(link!)!;
    const target = { host: m[1]!, port: Number(m[2]), id: m[3]! };
    const bare = await new Promise<number>((resolve, reject) =>
      https
        .get(
          {
            host: target.host,
            port: target.port,
            path: '/peer/v1/hello',
            rejectUnauthorized: false,
          },
          (r) => (r.resume(), resolve(r.statusCode!)),
        )
        .on('error', reject),
    );
    expect(bare).toBe(401);
    const stranger = await createIdentity();
    const res = await peerRequest(target, stranger, { path: '/peer/v1/ls?path=' });
    expect(res.statusCode).toBe(403);
    res.resume();
    // A stranger pretending to be the engine: pinned to another id, nothing is sent.
    await expect(
      peerRequest({ ...target, id: stranger.id }, stranger, { path: '/peer/v1/hello' }),
    ).rejects.toThrow(/not the paired device/);
    const me = await createIdentity();
    const pair = await peerRequest(target, me, {
      method: 'POST',
      path: '/peer/v1/pair',
      body: JSON.stringify({ secret: /s=([\w-]+)/.exec(link!)![1], name: 'Probe' }),
    });
    expect(pair.statusCode).toBe(200);
    pair.resume();
    for (const p of [
      '/peer/v1/track/..%2f..%2fetc%2fpasswd',
      '/peer/v1/track/../../etc/passwd',
      `/peer/v1/track/${'0'.repeat(32)}`,
      '/peer/v1/ls?path=../..',
    ]) {
      const r = await peerRequest(target, me, { path: p });
      r.resume();
      expect([p, r.statusCode]).toEqual([p, p.includes('ls?') ? 400 : 404]);
    }
  }, 30_000);
});
