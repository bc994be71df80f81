import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './state-lock';

/** `writeFileAtomic`'s temp files: `.<name>.<pid>.<8 hex>.tmp`. */
const OURS = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** `conf`'s (the `atomically` package's): `<name>.tmp-<10 digits><6 hex>`. */
const CONFS = /^.+\.tmp-\d{10}[0-9a-f]{6}$/;

/**
 * Removes the temp files that writers killed mid-write (`kill -9`, a power cut) left in `dir`:
 * ours when their process is gone, and conf's (written synchronously, so never in flight while
 * the caller, holding the state dir's lock, runs this). Without it every such kill left a copy
 * of the scan cache behind, and they piled up. Returns the names removed; never throws.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => {
    const ours = OURS.exec(n);
    if (ours) return Number(ours[1]) !== process.pid && !isAlive(Number(ours[1]));
    return CONFS.test(n);
  });
  for (const n of stale) await rm(path.join(dir, n), { force: true }).catch(() => undefined);
  return stale;
}
