import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/main/core/settings/schema';
import {
  ConfSettingsStore,
  FileSecretStore,
  MemorySecretStore,
  MemorySettingsStore,
} from '../../../src/main/core/settings/store';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function stateDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'tc-settings-'));
  dirs.push(d);
  return d;
}
const music = path.resolve('/', 'music');

describe('MemorySettingsStore', () => {
  it('validates updates, emits change, and refuses invalid patches without saving', () => {
    const s = new MemorySettingsStore();
    const seen: number[] = [];
    const off = s.on('change', (x) => seen.push(x.maxConcurrentTransfers));
    expect(s.update({ maxConcurrentTransfers: 3 }).maxConcurrentTransfers).toBe(3);
    expect(() => s.update({ maxConcurrentTransfers: 0 })).toThrow(
      'Settings not saved: Setting "maxConcurrentTransfers" must be between 1 and 64 (got 0).',
    );
    expect(() => s.update({ paused: 'yes' } as never)).toThrow(/paused/);
    expect(s.get().maxConcurrentTransfers).toBe(3);
    off();
    s.update({ maxConcurrentTransfers: 4 });
    expect(seen).toEqual([3]);
  });

  it('hands out frozen settings so changes must go through update', () => {
    const s = new MemorySettingsStore({ folders: [music] });
    expect(() => s.get().folders.push({ path: '/x', download: 'allow', exclude: [] })).toThrow(
      TypeError,
    );
    expect(() => ((s.get() as { paused: boolean }).paused = true)).toThrow(TypeError);
  });

  it('validates and migrates its initial value too', () => {
    const s = new MemorySettingsStore({ serverUrl: 'https://a', shareDirs: [music], bogus: 1 });
    expect(s.get().server).toBe('https://a');
    expect(s.get().folders.map((f) => f.path)).toEqual([music]);
    expect(s.problems).toEqual(['Old setting "bogus" is no longer used and was dropped.']);
  });
});

describe('ConfSettingsStore', () => {
  it('round-trips through settings.json in the state dir', async () => {
    const dir = await stateDir();
    const a = new ConfSettingsStore({ stateDir: dir });
    expect(a.path).toBe(path.join(dir, 'settings.json'));
    expect(a.get()).toEqual(defaultSettings());
    a.update({
      server: 'https://tc.example',
      folders: [{ path: music, download: 'deny', exclude: ['*.tmp'] }],
    });
    a.update({ trackOverrides: { abcdef: 'deny' } });
    const b = new ConfSettingsStore(dir);
    expect(b.problems).toEqual([]);
    expect(b.get()).toEqual({
      ...defaultSettings(),
      server: 'https://tc.example',
      folders: [{ path: music, download: 'deny', exclude: ['*.tmp'] }],
      trackOverrides: { abcdef: 'deny' },
    });
    if (process.platform !== 'win32') expect((await stat(a.path)).mode & 0o777).toBe(0o600);
  });

  it('sets a corrupt file aside and starts from defaults with a problem', async () => {
    const dir = await stateDir();
    await writeFile(path.join(dir, 'settings.json'), '{"server": "https://x",');
    const s = new ConfSettingsStore({
      stateDir: dir,
      now: () => new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(s.get()).toEqual(defaultSettings());
    const backup = path.join(dir, 'settings.json.corrupt-2026-01-02T03-04-05-678Z');
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toContain(backup);
    expect(await readFile(backup, 'utf8')).toBe('{"server": "https://x",');
    s.update({ paused: true });
    expect(new ConfSettingsStore(dir).get().paused).toBe(true);
  });

  it('reports invalid values in a readable file and upgrades a version 0 file on disk', async () => {
    const dir = await stateDir();
    const file = path.join(dir, 'settings.json');
    await writeFile(
      file,
      JSON.stringify({ serverUrl: 'https://old', shareDirs: [music], allowDownloads: 'no' }),
    );
    const s = new ConfSettingsStore(dir);
    expect(s.problems).toEqual(['Setting "allowDownloads" must be true or false (got text "no").']);
    expect(s.get().server).toBe('https://old');
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(onDisk.schemaVersion).toBe(1);
    expect(onDisk.server).toBe('https://old');
    expect(onDisk.serverUrl).toBeUndefined();
  });
});

describe('FileSecretStore', () => {
  it('keeps the token in <stateDir>/token with mode 0600, apart from settings', async () => {
    const dir = await stateDir();
    const secrets = new FileSecretStore(dir);
    expect(secrets.encrypted).toBe(false);
    expect(await secrets.getToken()).toBeNull();
    await secrets.setToken('tok-123');
    expect(await secrets.getToken()).toBe('tok-123');
    const file = path.join(dir, 'token');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    await secrets.setToken('tok-456');
    expect(await readFile(file, 'utf8')).toBe('tok-456\n');
    expect((await readdir(dir)).sort()).toEqual(['token']);
    await secrets.clearToken();
    expect(await secrets.getToken()).toBeNull();
    await secrets.clearToken();
  });

  it('creates the state dir and refuses an empty token', async () => {
    const dir = path.join(await stateDir(), 'nested', 'state');
    const secrets = new FileSecretStore(dir);
    await expect(secrets.setToken('  ')).rejects.toThrow(/empty/);
    await secrets.setToken('abc');
    expect(await secrets.getToken()).toBe('abc');
  });

  it('MemorySecretStore behaves the same', async () => {
    const m = new MemorySecretStore();
    await m.setToken('x');
    expect(await m.getToken()).toBe('x');
    await m.clearToken();
    expect(await m.getToken()).toBeNull();
  });
});
