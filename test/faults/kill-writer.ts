/**
 * The process `kill-writes.test.ts` kills with SIGKILL: it writes the scan cache, the settings and
 * the token, generation after generation, through the same stores the daemon uses, and prints
 * `begin G` before and `done G` after each (stdout to a pipe is synchronous on Linux, so the
 * parent reads every line written before the kill).
 * Usage: node --import tsx kill-writer.ts STATE_DIR FIRST_GENERATION RECORDS
 */
import path from 'node:path';
import { ScanCache } from '../../src/main/core/library/scan-cache';
import { ConfSettingsStore, FileSecretStore } from '../../src/main/core/settings/store';
import { generationRecord } from './kill-state';

const [dir = '', first = '1', records = '200'] = process.argv.slice(2);
const cache = await ScanCache.open(path.join(dir, 'scan-cache.json'));
const settings = new ConfSettingsStore(dir);
const token = new FileSecretStore(dir);
for (let g = Number(first); ; g++) {
  process.stdout.write(`begin ${g}\n`);
  for (let i = 0; i < Number(records); i++) cache.set(`/music/${i}.flac`, generationRecord(g, i));
  await cache.save();
  settings.update({ uploadRateLimit: g });
  await token.setToken(`tc_generation_${g}`);
  process.stdout.write(`done ${g}\n`);
}
