/**
 * Pairing through the engine's commands, as the window uses them: two engines with LAN sharing on
 * 127.0.0.1 (not announced: loopback), one makes a link, the other pairs with it, both list the
 * other as paired and get a `nearby` event; unpairing removes it. With LAN sharing off there is
 * nothing to pair with.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { NearbyState } from '../../../src/shared/contract';
import { Engine } from '../../../src/main/core/engine';
import { MemorySecretStore, MemorySettingsStore } from '../../../src/main/core/settings/store';
import { tempDir } from '../../e2e/helpers';

const engines: Engine[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const e of engines) await e.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function engine(lan: boolean): Promise<Engine> {
  const stateDir = await tempDir('engine-pair');
  dirs.push(stateDir);
  const settings = new MemorySettingsStore({});
  settings.update({ lan: { enabled: lan, port: 0, host: '127.0.0.1' } });
  const e = await Engine.create({
    stateDir,
    settings,
    secrets: new MemorySecretStore(null),
    host: 'headless',
    version: 'test',
  });
  await e.start();
  engines.push(e);
  return e;
}

describe('pairing through the engine', () => {
  it('pairs two engines with a link, both ways, and unpairs', async () => {
    const [a, b] = [await engine(true), await engine(true)];
    const nearbyOf = (e: Engine) => e.invoke('getNearby');
    await expect.poll(async () => (await nearbyOf(a)).myId).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(async () => (await nearbyOf(b)).myId).toMatch(/^[0-9a-f]{64}$/);
    const events: NearbyState[] = [];
    const off = a.on('nearby', (s) => events.push(s));

    const [link] = await a.invoke('createPairLink');
    expect(link).toMatch(/^tcshare:\/\/pair\?addr=127\.0\.0\.1:\d+/);
    expect(typeof (await b.invoke('pairWithLink', link!))).toBe('string');

    const aState = await nearbyOf(a);
    const bState = await nearbyOf(b);
    expect(bState.paired.map((p) => p.id)).toEqual([aState.myId]);
    await expect
      .poll(async () => (await nearbyOf(a)).paired.map((p) => p.id))
      .toEqual([bState.myId]);
    expect(events.some((s) => s.paired.length === 1)).toBe(true);
    await expect(b.invoke('pairWithLink', link!)).rejects.toThrow(/not valid \(or was used\)/);

    expect(await a.invoke('unpairDevice', bState.myId!)).toBe(true);
    expect((await nearbyOf(a)).paired).toEqual([]);
    expect(await a.invoke('unpairDevice', bState.myId!)).toBe(false);
    off();
  }, 30_000);

  it('has nothing to pair with while LAN sharing is off', async () => {
    const c = await engine(false);
    expect(await c.invoke('getNearby')).toEqual({
      enabled: false,
      myId: null,
      nearby: [],
      paired: [],
      requests: [],
    });
    await expect(c.invoke('createPairLink')).rejects.toThrow(/Turn on LAN sharing/);
    await expect(c.invoke('pairByName', 'a'.repeat(64))).rejects.toThrow(/Turn on LAN sharing/);
  });
});
