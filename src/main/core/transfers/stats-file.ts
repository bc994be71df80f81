/**
 * Reads the transfer totals file (`<state-dir>/stats.json`). A file that does not parse is not
 * dropped in silence: it is set aside as `stats.json.corrupt-<time>` (the next save would
 * overwrite it) and a problem names both files, so the user can see why the totals went to zero.
 */
import { readFile, rename } from 'node:fs/promises';

/** The parsed file (unvalidated: stats-store checks it), and a problem when it was unreadable. */
export interface LoadedStats {
  value: unknown;
  problem?: string;
}

/** Reads `file`; a missing file is no problem (the first run). */
export async function readStatsFile(file: string, now = new Date()): Promise<LoadedStats> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { value: undefined };
    return {
      value: undefined,
      problem: `Transfer totals in ${file} could not be read (${code ?? (err as Error).message}); counting from zero.`,
    };
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return { value };
    throw new SyntaxError('not a JSON object');
  } catch (err) {
    const backup = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
    const kept = await rename(file, backup).then(
      () => `it was kept as ${backup}`,
      (e: NodeJS.ErrnoException) => `setting it aside failed too (${e.code ?? e.message})`,
    );
    return {
      value: undefined,
      problem: `Transfer totals in ${file} were unreadable (${(err as Error).message}); ${kept} and totals count from zero.`,
    };
  }
}
