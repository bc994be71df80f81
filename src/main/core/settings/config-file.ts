import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../../shared/contract';
import { describe, isRecord } from './fields';
import { jsonErrorLocation } from './json-position';
import { migrateSettings, validateSettingsPatch } from './schema';

/**
 * Reads the daemon's `--config FILE`: JSON in the settings schema, any subset of the fields.
 * Throws an Error the user can act on when the file is missing, unreadable, not JSON (with the
 * line and column) or not an object. Otherwise returns the valid fields; invalid values and
 * unknown keys are left out and listed in `problems`. Folder paths may be relative to the file
 * or start with `~/`.
 */
export async function loadConfigFile(
  file: string,
): Promise<{ settings: Partial<Settings>; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error(`Config file not found: ${file}`, { cause: err });
    throw new Error(`Could not read config file ${file}: ${e.message}`, { cause: err });
  }
  text = text.replace(/^\uFEFF/, ''); // editors on Windows like to add a byte-order mark
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const at = jsonErrorLocation(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw new Error(`Config file ${file} is not valid JSON${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!isRecord(raw))
    throw new Error(
      `Config file ${file} must hold a JSON object of settings (got ${describe(raw)}).`,
    );
  const migrated = migrateSettings(raw);
  const problems = [...migrated.problems];
  if (migrated.legacyToken)
    problems.push('The token is not read from the config file; use --token-file instead.');
  const value = migrated.value as Record<string, unknown>;
  if (Array.isArray(value.folders))
    value.folders = value.folders.map((f) => resolveFolder(f, path.dirname(file)));
  const { patch, problems: invalid } = validateSettingsPatch(value);
  return { settings: patch, problems: [...problems, ...invalid] };
}

function resolvePath(p: string, base: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(base, p);
}

function resolveFolder(f: unknown, base: string): unknown {
  if (typeof f === 'string') return resolvePath(f, base);
  if (isRecord(f) && typeof f.path === 'string') return { ...f, path: resolvePath(f.path, base) };
  return f;
}
