import { execFileSync } from 'node:child_process';
import { open, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Empties the page cache (root only); false where that is not allowed. */
export async function dropCaches(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sync');
    await writeFile('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads every file under `dir` once, so that a "page cache warm" run finds the whole corpus in
 * memory whatever ran before it: after a dropped cache, or a reference run that read only parts
 * of each file, the next warm-cache run would otherwise pay for the disk (the first run of an
 * invocation used to be the slow one for that reason).
 */
export async function warmPageCache(dir: string): Promise<void> {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  await walk(dir);
  const buf = Buffer.allocUnsafe(1 << 20);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const fh = await open(files[next++]!, 'r');
      try {
        while ((await fh.read(buf, 0, buf.length, null)).bytesRead > 0);
      } finally {
        await fh.close();
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}
