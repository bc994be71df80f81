import { randomBytes } from 'node:crypto';
import { link, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const FULL = ['ENOSPC', 'EDQUOT'];

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
 */
export async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const file = path.join(stateDir, 'daemon.lock');
  const release = () => rm(file, { force: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await createWithPid(file);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = await lockHolder(file);
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`Another tunecamp-share (pid ${pid}) is already using ${stateDir}.`, {
          cause: err,
        });
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${stateDir}.`);
}

/** Creates `file` holding our pid, atomically; EEXIST when it is there already. */
async function createWithPid(file: string): Promise<void> {
  // Named as writeFileAtomic names its temps, so a kill -9 here leaves one the start sweeps.
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, String(process.pid), { flag: 'wx', mode: 0o600 });
    await link(temp, file);
  } catch (err) {
    if (!FULL.includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    await symlink(String(process.pid), file);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The pid a lock names: a link's target, or the file's text (0 when there is none). */
async function lockHolder(file: string): Promise<number> {
  const text = await readlink(file).catch(() => readFile(file, 'utf8').catch(() => ''));
  return Number(text.trim());
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
