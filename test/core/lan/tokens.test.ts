import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LAN_TOKENS_FILE, LanTokens } from '../../../src/main/core/lan/lan-tokens';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<LanTokens> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-lantok-'));
  return LanTokens.open(dir);
}

describe('LanTokens', () => {
  it('shows a 256-bit token once and keeps only its SHA-256, in a 0600 file', async () => {
    const t = await open();
    const { name, token } = await t.create('  Kitchen speaker ');
    expect(name).toBe('Kitchen speaker');
    expect(token).toMatch(/^tcl_[A-Za-z0-9_-]{43}$/);
    const file = path.join(dir, LAN_TOKENS_FILE);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(4, 20));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(t.verify(`Bearer ${token}`)).toBe('Kitchen speaker');
    expect(t.verify(`bearer ${token}`)).toBe('Kitchen speaker');
    expect(t.list()).toEqual([{ name: 'Kitchen speaker', createdAt: expect.any(Number) }]);
    // A second store reading the same file knows the device, not the token.
    expect((await LanTokens.open(dir)).verify(`Bearer ${token}`)).toBe('Kitchen speaker');
  });

  it('refuses wrong, malformed and absent tokens', async () => {
    const t = await open();
    const { token } = await t.create('phone');
    const other = `tcl_${'A'.repeat(43)}`;
    for (const h of [
      undefined,
      '',
      token,
      `Basic ${token}`,
      `Bearer ${other}`,
      `Bearer ${token}x`,
      `Bearer  `,
    ])
      expect(t.verify(h)).toBeUndefined();
  });

  it('refuses bad and duplicate names', async () => {
    const t = await open();
    await t.create('phone');
    await expect(t.create('PHONE')).rejects.toThrow(/already exists/);
    await expect(t.create('')).rejects.toThrow(/device name/);
    await expect(t.create('a\nb')).rejects.toThrow(/device name/);
    await expect(t.create('x'.repeat(65))).rejects.toThrow(/device name/);
  });

  it('revokes one device at a time, here or through the file, and says so', async () => {
    const t = await open();
    const a = await t.create('a');
    const b = await t.create('b');
    const revoked: string[] = [];
    t.on('revoked', (n) => revoked.push(n));
    expect(await t.revoke('A')).toBe(true);
    expect(await t.revoke('a')).toBe(false);
    expect(t.verify(`Bearer ${a.token}`)).toBeUndefined();
    expect(t.verify(`Bearer ${b.token}`)).toBe('b');
    // Another process (the command line) revokes b: refresh() notices and tells.
    const other = await LanTokens.open(dir);
    await other.revoke('b');
    await t.refresh();
    expect(t.verify(`Bearer ${b.token}`)).toBeUndefined();
    expect(revoked).toEqual(['a', 'b']);
  });

  it('lets nobody in from a damaged file, and refuses to write over it', async () => {
    const t = await open();
    const { token } = await t.create('phone');
    await writeFile(path.join(dir, LAN_TOKENS_FILE), '{ not json');
    await t.refresh();
    expect(t.problem).toMatch(/not valid JSON/);
    expect(t.verify(`Bearer ${token}`)).toBeUndefined();
    await expect(t.create('other')).rejects.toThrow(/not valid JSON/);
  });
});
