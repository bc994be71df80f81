import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/main/core/settings/config-file';
import { jsonErrorLocation } from '../../../src/main/core/settings/json-position';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function configFile(text: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'tc-config-'));
  dirs.push(d);
  const f = path.join(d, 'config.json');
  await writeFile(f, text);
  return f;
}

describe('loadConfigFile', () => {
  it('returns the valid subset and reports unknown keys and bad values', async () => {
    const f = await configFile(
      JSON.stringify({
        server: 'https://tc.example',
        paused: true,
        colour: 'blue',
        maxConcurrentTransfers: 'many',
      }),
    );
    const { settings, problems } = await loadConfigFile(f);
    expect(settings).toEqual({ server: 'https://tc.example', paused: true });
    expect(problems).toEqual([
      'Unknown setting "colour" ignored.',
      'Setting "maxConcurrentTransfers" must be a number (got text "many").',
    ]);
  });

  it('resolves folder paths relative to the file and ~', async () => {
    const f = await configFile(
      JSON.stringify({ folders: ['music', { path: '~/Albums', download: 'deny' }] }),
    );
    const { settings, problems } = await loadConfigFile(f);
    expect(problems).toEqual([]);
    expect(settings.folders).toEqual([
      { path: path.join(path.dirname(f), 'music'), download: 'inherit', exclude: [] },
      { path: path.join(os.homedir(), 'Albums'), download: 'deny', exclude: [] },
    ]);
  });

  it('names the line and column of invalid JSON', async () => {
    const f = await configFile('{\n  "server": "https://x",\n  "paused": tru\n}\n');
    await expect(loadConfigFile(f)).rejects.toThrow(
      `Config file ${f} is not valid JSON at line 3, column 13`,
    );
  });

  it('explains a missing file and a non-object', async () => {
    await expect(loadConfigFile('/nonexistent/tc.json')).rejects.toThrow(
      'Config file not found: /nonexistent/tc.json',
    );
    const f = await configFile('[1, 2]');
    await expect(loadConfigFile(f)).rejects.toThrow(
      /must hold a JSON object of settings \(got a list\)/,
    );
  });
});

describe('jsonErrorLocation', () => {
  it('finds the first invalid character, or null for valid JSON', () => {
    expect(jsonErrorLocation('{"a": [1, 2.5e3, "x\\n", true, null], "b": {}}')).toBeNull();
    expect(jsonErrorLocation('{"a": 1,}')).toEqual({ line: 1, column: 9 });
    expect(jsonErrorLocation('{\n"a": 01}')).toEqual({ line: 2, column: 7 });
    expect(jsonErrorLocation('{"a": "unterminated')).toEqual({ line: 1, column: 20 });
    expect(jsonErrorLocation('{} extra')).toEqual({ line: 1, column: 4 });
    expect(jsonErrorLocation('')).toEqual({ line: 1, column: 1 });
  });
});
