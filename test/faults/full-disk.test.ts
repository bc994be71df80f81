/**
 * Fault 3 of issue 15: the state folder on a full disk (a 1 MiB tmpfs filled up). Writes must fail
 * whole (the old file stays, no temp file is left), be said once, and be retried when space
 * returns. Root only: without it these cases skip and say why.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScanCache } from '../../src/main/core/library/scan-cache';
import { ConfSettingsStore, FileSecretStore } from '../../src/main/core/settings/store';
import { generationRecord } from './kill-state';
import { CAN_MOUNT, fillDisk, freeDisk, mountTmpfs, sayIfSkipped, type Tmpfs } from './helpers';

sayIfSkipped('full-disk cases (full-disk.test.ts)');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Names in `dir` that a writer left half-done. */
const temps = async (dir: string) => (await readdir(dir)).filter((n) => /\.tmp/.test(n));

describe.skipIf(!CAN_MOUNT)('a full state folder', () => {
  let fs: Tmpfs;
  let state: string;
  beforeEach(async () => {
    fs = await mountTmpfs(1024 * 1024);
    state = path.join(fs.dir, 'state');
  });
  afterEach(async () => {
    await fs.unmount();
  });

  it('a token write fails whole: the old token stays and no temp file is left', async () => {
    const secrets = new FileSecretStore(state);
    await secrets.setToken('tc_old_token');
    const filler = await fillDisk(fs.dir);
    await expect(secrets.setToken('tc_new_token_' + 'x'.repeat(64))).rejects.toThrow(/ENOSPC/);
    expect(await secrets.getToken()).toBe('tc_old_token');
    expect(await temps(state)).toEqual([]);
    await freeDisk(filler);
    await secrets.setToken('tc_new_token');
    expect(await secrets.getToken()).toBe('tc_new_token');
  });

  it('a settings write fails whole: it throws, the file keeps the old settings, no temp file', async () => {
    const store = new ConfSettingsStore(state);
    store.update({ uploadRateLimit: 1 });
    const filler = await fillDisk(fs.dir);
    const big = { uploadRateLimit: 2, defaultExclude: ['x'.repeat(9000)] };
    expect(() => store.update(big)).toThrow(/could not be saved to .* \(the disk is full\)/);
    expect(store.get().uploadRateLimit).toBe(1);
    expect(await temps(state)).toEqual([]);
    const again = new ConfSettingsStore(state);
    expect(again.problems).toEqual([]);
    expect(again.get().uploadRateLimit).toBe(1);
    await freeDisk(filler);
  });

  it('a cache save that fails is said once, keeps the old file, and is retried when space returns', async () => {
    const file = path.join(state, 'scan-cache.json');
    const cache = await ScanCache.open(file, { debounceMs: 10, retryMs: 200 });
    const warnings: string[] = [];
    cache.on('warning', (w) => warnings.push(w));
    cache.set('/music/0.flac', generationRecord(1, 0));
    await cache.save();
    const before = await readFile(file);
    const filler = await fillDisk(fs.dir);
    for (let i = 0; i < 300; i++) cache.set(`/music/${i}.flac`, generationRecord(2, i));
    cache.scheduleSave();
    await sleep(1200); // the first try and about five retries
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be saved \(the disk is full\)/);
    expect(warnings[0]).toContain(file);
    expect(await readFile(file)).toEqual(before);
    expect(await temps(state)).toEqual([]);
    await freeDisk(filler);
    // Nothing changes in the cache: the retry alone must save it.
    await expect
      .poll(async () => (await ScanCache.open(file)).get('/music/299.flac')?.mtimeMs, {
        timeout: 3000,
      })
      .toBe(2);
    expect(warnings).toHaveLength(1);
  });

  it('at shutdown, a full disk leaves each state file whole', async () => {
    const file = path.join(state, 'scan-cache.json');
    const cache = await ScanCache.open(file);
    cache.set('/music/0.flac', generationRecord(1, 0));
    await cache.save();
    const filler = await fillDisk(fs.dir);
    for (let i = 0; i < 3000; i++) cache.set(`/music/${i}.flac`, generationRecord(3, i));
    await expect(cache.close()).rejects.toThrow(/ENOSPC/);
    const reread = await ScanCache.open(file);
    expect(reread.warnings).toEqual([]);
    expect(reread.get('/music/0.flac')?.mtimeMs).toBe(1);
    expect(await temps(state)).toEqual([]);
    await freeDisk(filler);
    await writeFile(path.join(state, 'probe'), 'space is back');
  });
});
