/**
 * The LAN server as the engine runs it: off by default, turned on by the `lan` setting, serving
 * the library's published ids, with device tokens made and revoked through the engine's commands.
 */
import { readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/main/core/engine';
import { engineSharingOneTrack, tempDir } from '../../e2e/helpers';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engineWithMusic(): Promise<{ engine: Engine; file: string }> {
  const dir = await tempDir('lan-engine');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const started = await engineSharingOneTrack(dir, { lan: { tokenPollMs: 50 } });
  cleanups.push(() => started.engine.stop());
  return started;
}

describe('LAN sharing in the engine', () => {
  it('is off by default; the setting turns it on and off; published ids stream with a device token', async () => {
    const { engine, file } = await engineWithMusic();
    const snap = await engine.invoke('getSnapshot');
    expect(snap.settings.lan.enabled).toBe(false);
    expect(snap.lanPort).toBeUndefined();
    await engine.invoke('updateSettings', { lan: { enabled: true, port: 0, host: '127.0.0.1' } });
    const port = (await engine.invoke('getSnapshot')).lanPort;
    expect(port).toBeGreaterThan(0);

    const [track] = engine.manifest();
    const url = `http://127.0.0.1:${port}/track/${track!.id}`;
    expect((await fetch(url)).status).toBe(401);
    const { token } = await engine.invoke('createLanToken', 'Living room');
    expect(await engine.invoke('listLanDevices')).toEqual([
      { name: 'Living room', createdAt: expect.any(Number) },
    ]);
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Range: 'bytes=0-' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-type')).toBe(track!.mimeType);
    expect(Buffer.from(await res.arrayBuffer()).equals(await readFile(file))).toBe(true);

    expect(await engine.invoke('revokeLanToken', 'living room')).toBe(true);
    expect((await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);

    await engine.invoke('updateSettings', { lan: { enabled: false, port: 0, host: '127.0.0.1' } });
    expect((await engine.invoke('getSnapshot')).lanPort).toBeUndefined();
    await expect(fetch(url)).rejects.toThrow();
  });

  it('reports a port in use instead of failing, and stops with the engine', async () => {
    const { engine } = await engineWithMusic();
    await engine.invoke('updateSettings', { lan: { enabled: true, port: 0, host: '127.0.0.1' } });
    const port = (await engine.invoke('getSnapshot')).lanPort!;
    const other = await engineWithMusic();
    await other.engine.invoke('updateSettings', {
      lan: { enabled: true, port, host: '127.0.0.1' },
    });
    const snap = await other.engine.invoke('getSnapshot');
    expect(snap.lanPort).toBeUndefined();
    expect(snap.activity.map((a) => a.message).join('\n')).toMatch(
      /LAN sharing is off: port \d+ is in use/,
    );
    await engine.stop();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
