import { randomBytes } from 'node:crypto';
import { link, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const FULL = ['ENOSPC', 'EDQUOT'];
const LOCK = 'daemon.lock';
/** `daemon.lock.takeover-<pid the stale lock names>`, holding the taker's pid. */
const MARKER = /^daemon\.lock\.takeover-\d+$/;
/** An empty marker (its maker killed between creating and writing it) is stale after this. */
const EMPTY_MARKER_STALE_MS = 10_000;

/** Who is locking: the process itself, except in tests that race many takers in one process. */
export interface Locker {
  pid: number;
  isAlive: (pid: number) => boolean;
}

/** Whether `pid` names a running process (EPERM: running, not ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<stateDir>/daemon.lock` so two daemons never share one state dir (they would also knock
 * each other off the server: one session per account). A lock left by a dead process is taken over.
 * Returns a release function, or throws with a message naming the other process.
 *
 * The lock appears with our pid already in it, never empty: the pid is written to a temp file that
 * is then hard-linked to the lock's name (fails if it exists). An empty lock (created first, the
 * pid written after) was taken over by a second daemon reading no pid: on a full disk, where the
 * pid could not be written at all, or in the moment between the two steps. On a full disk, where
 * not even the temp file can hold the pid, the lock is a symbolic link whose target is the pid: a
 * link needs no data block.
 *
 * Taking over is serialised by a marker named for the dead pid the stale lock names (see
 * `takeOver`). Without it, two daemons starting together after a crash both read the dead pid and
 * both removed "the stale lock": the second removal took the first one's fresh lock, and both ran.
 */
export async function lockStateDir(
  stateDir: string,
  me: Locker = { pid: process.pid, isAlive },
): Promise<() => Promise<void>> {
  const file = path.join(stateDir, LOCK);
  const release = () => rm(file, { force: true });
  // Bounded: a takeover holds its marker for a few file operations, so a few tries do.
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await createWithPid(file, me.pid);
      await sweepMarkers(stateDir, me);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await lockHolder(file);
      if (holder === undefined) continue; // gone meanwhile: try to create it again
      if (holder > 0 && holder !== me.pid && me.isAlive(holder)) {
        throw new Error(`Another tunecamp-share (pid ${holder}) is already using ${stateDir}.`, {
          cause: err,
        });
      }
      if (!(await takeOver(file, holder, me))) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
  }
  throw new Error(`Could not lock ${stateDir}: another start kept taking over its stale lock.`);
}

/**
 * Removes the stale lock that names `holder` (a dead pid, or 0 for no pid), if we are the one
 * taker for it: the marker `daemon.lock.takeover-<holder>`, created exclusively, admits one. The
 * lock is read again under the marker and removed only if it still names `holder`; nobody else
 * can remove it meanwhile (they would need the marker), and nobody can create one while it is
 * there. Returns false when another taker holds the marker (look again shortly).
 */
async function takeOver(file: string, holder: number, me: Locker): Promise<boolean> {
  const marker = `${file}.takeover-${holder}`;
  try {
    await writeFile(marker, String(me.pid), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another taker; if it died mid-takeover its marker would block every start, so remove it.
    if (await markerStale(marker, me)) await rm(marker, { force: true });
    return false;
  }
  try {
    if ((await lockHolder(file)) === holder) await rm(file, { force: true });
    return true;
  } finally {
    await rm(marker, { force: true });
  }
}

/** A marker whose maker is dead, or empty for longer than a takeover lasts. */
async function markerStale(marker: string, me: Locker): Promise<boolean> {
  const text = await readFile(marker, 'utf8').catch(() => undefined);
  if (text === undefined) return false; // gone: the taker finished
  const maker = Number(text.trim());
  if (maker > 0) return maker !== me.pid && !me.isAlive(maker);
  const age = await stat(marker).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  return age > EMPTY_MARKER_STALE_MS;
}

/** Removes takeover markers that dead takers left (we hold the lock, so none of ours is live). */
async function sweepMarkers(stateDir: string, me: Locker): Promise<void> {
  const names = await readdir(stateDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => MARKER.test(n))) {
    const marker = path.join(stateDir, name);
    if (await markerStale(marker, me)) await rm(marker, { force: true });
  }
}

/** Creates `file` holding `pid`, atomically; EEXIST when it is there already. */
async function createWithPid(file: string, pid: number): Promise<void> {
  // Named as writeFileAtomic names its temps, so a kill -9 here leaves one the start sweeps.
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, String(pid), { flag: 'wx', mode: 0o600 });
    await link(temp, file);
  } catch (err) {
    if (!FULL.includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    await symlink(String(pid), file);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * The pid a lock names: a link's target, or the file's text; 0 when it names none (empty or
 * garbage), undefined when there is no lock.
 */
async function lockHolder(file: string): Promise<number | undefined> {
  const text = await readlink(file).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' ? undefined : readFile(file, 'utf8').catch(() => undefined),
  );
  if (text === undefined) return undefined;
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}
