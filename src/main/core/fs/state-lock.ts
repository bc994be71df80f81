import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Takes `<stateDir>/daemon.lock` so two daemons never share one state dir (they would also knock
 * each other off the server: one session per account). A lock left by a dead process is taken over.
 * Returns a release function, or throws with a message naming the other process.
 */
export async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const file = path.join(stateDir, 'daemon.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      try {
        await fh.writeFile(String(process.pid));
      } catch (err) {
        // A full disk: creating the file took the lock; it just cannot name us. Starting anyway
        // keeps the daemon serving (another start would read no pid and take the lock over).
        if (!['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '')) {
          await fh.close();
          await rm(file, { force: true });
          throw err;
        }
      }
      await fh.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
