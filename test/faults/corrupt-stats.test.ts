/**
 * Issue 15 (found, not fixed until now): a transfer totals file (`stats.json`) that does not parse
 * was dropped without a word, and overwritten by the next save. Now it is set aside and named.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { startEngine } from '../e2e/helpers';
import { damage, describeDamage, tempDir, type Damage } from './helpers';

const SAVED = JSON.stringify({
  version: 1,
  day: '2026-01-02',
  bytesToday: 10,
  bytesAllTime: 123456789,
  streamsToday: 1,
  downloadsToday: 0,
  counts: { abc: { plays: 3, downloads: 1 } },
});

let hub: Hub;
beforeAll(async () => void (hub = await startHub()));
afterAll(async () => hub?.close());

describe('stats.json that does not parse', () => {
  it.each<Damage>([{ kind: 'half' }, { kind: 'flip', at: 0, bit: 1 }])(
    '%o: a warning names the file, the damaged bytes are kept aside',
    async (d) => {
      const stateDir = await tempDir('stats');
      const file = path.join(stateDir, 'stats.json');
      const bad = damage(Buffer.from(SAVED), d);
      await writeFile(file, bad);
      const { engine, stop } = await startEngine(hub, [], { stateDir });
      try {
        const activity = (await engine.invoke('getSnapshot')).activity;
        const warning = activity.find((a) => a.message.includes('Transfer totals'));
        expect(warning?.message, describeDamage(d)).toMatch(
          new RegExp(`Transfer totals in ${file.replace(/[.]/g, '\\.')} were unreadable .*kept as`),
        );
        const aside = (await readdir(stateDir)).filter((n) => n.startsWith('stats.json.corrupt-'));
        expect(aside).toHaveLength(1);
        expect(await readFile(path.join(stateDir, aside[0]!))).toEqual(bad);
      } finally {
        await stop();
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  );
});
