/**
 * The README's `npm start`, as a user runs it: scripts/start.mjs builds the app and opens it in
 * the official Electron or the assembled runtime, and the window appears. Run in a copy of the
 * project's top level (sources linked, out/ its own), so it never rebuilds the checkout's out/
 * while other tests package it.
 */
import { spawn } from 'node:child_process';
import { copyFile, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../e2e/helpers';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import { processTree, ROOT } from './harness';

const skip = desktopMissing();
let session: DesktopSession | undefined;
let work = '';

afterAll(async () => {
  await session?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe.skipIf(skip)('npm start', () => {
  it('builds the app and shows its window', async () => {
    work = await tempDir('npm-start');
    for (const f of ['package.json', 'electron.vite.config.ts', 'tsconfig.json']) {
      await copyFile(path.join(ROOT, f), path.join(work, f));
    }
    for (const d of ['src', 'scripts', 'assets', 'node_modules']) {
      await symlink(path.join(ROOT, d), path.join(work, d));
    }
    session = await startDesktopSession();
    const home = path.join(work, 'home');
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: home,
        // The runtime assembled for the other tests, not a second download into this HOME.
        TUNECAMP_ELECTRON_CACHE: path.join(process.env.HOME ?? '/root', '.cache/tunecamp-share'),
        ...session.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const log = path.join(home, 'tunecamp-share', 'logs', 'tunecamp-share.log');
      await expect
        .poll(() => readFile(log, 'utf8').catch(() => ''), { timeout: 90_000, interval: 250 })
        .toMatch(/Window shown/);
      expect(output).not.toMatch(/error during|Electron uninstall|ERR_PACKAGE_PATH_NOT_EXPORTED/);
      expect((await processTree(child.pid!)).length).toBeGreaterThan(2);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }, 120_000);
});
