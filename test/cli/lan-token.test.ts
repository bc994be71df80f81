import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs, UsageError } from '../../src/main/cli/args';
import { parseLanTokenArgs, runLanToken } from '../../src/main/cli/lan-token';
import { settingsFromOptions } from '../../src/main/cli/setup';
import { LanTokens } from '../../src/main/core/lan/lan-tokens';

let dir = '';
afterEach(async () => {
  vi.restoreAllMocks();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the subcommand in-process and captures what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = await runLanToken([...args, '--state-dir', dir], {});
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('tunecamp-share lan-token', () => {
  it('creates (token on stdout, once), lists (never tokens) and revokes one device', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-lancli-'));
    const created = await cli(['create', 'Living room']);
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^tcl_/);
    expect(created.err).toMatch(/shown only now/);
    expect((await cli(['create', 'Phone'])).code).toBe(0);
    const listed = await cli(['list', '--json']);
    expect(JSON.parse(listed.out).map((d: { name: string }) => d.name)).toEqual([
      'Living room',
      'Phone',
    ]);
    expect(listed.out).not.toContain(token);
    expect((await LanTokens.open(dir)).verify(`Bearer ${token}`)).toBe('Living room');
    expect((await cli(['revoke', 'Living room'])).code).toBe(0);
    expect((await LanTokens.open(dir)).verify(`Bearer ${token}`)).toBeUndefined();
    const again = await cli(['revoke', 'Living room']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/no LAN device named/);
    expect((await cli(['create', 'Phone'])).err).toMatch(/already exists/);
  });

  it('refuses malformed use with one line', () => {
    expect(parseLanTokenArgs(['create'])).toMatch(/needs one NAME/);
    expect(parseLanTokenArgs(['create', 'a', 'b'])).toMatch(/needs one NAME/);
    expect(parseLanTokenArgs(['list', 'x'])).toMatch(/takes no name/);
    expect(parseLanTokenArgs(['delete', 'x'])).toMatch(/unknown lan-token action/);
    expect(parseLanTokenArgs(['--force'])).toMatch(/unknown option/);
    expect(parseLanTokenArgs([])).toMatchObject({ action: 'help' });
  });
});

describe('--lan flags', () => {
  it('--lan turns the server on; --lan-port and --lan-host imply it; config values fill the rest', () => {
    expect(parseArgs([], {}).lan).toBeUndefined();
    const o = parseArgs(['--lan-port', '5000'], {});
    expect(o).toMatchObject({ lan: true, lanPort: 5000 });
    const s = settingsFromOptions(o, { lan: { enabled: false, port: 1, host: '192.168.1.5' } });
    expect('settings' in s && s.settings.lan).toEqual({
      enabled: true,
      port: 5000,
      host: '192.168.1.5',
    });
    const plain = settingsFromOptions(parseArgs(['--lan'], {}), {});
    expect('settings' in plain && plain.settings.lan).toEqual({
      enabled: true,
      port: 47310,
      host: '0.0.0.0',
    });
    expect(parseArgs(['--lan-host', '::'], {})).toMatchObject({ lan: true, lanHost: '::' });
    expect(() => parseArgs(['--lan-host', 'myhost'], {})).toThrow(UsageError);
    expect(() => parseArgs(['--lan-port', '70000'], {})).toThrow(UsageError);
  });
});
