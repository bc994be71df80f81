/**
 * Pieces of the end-to-end window test: a private build of the renderer, Debian's Chromium, an
 * engine with no server or token yet (the first-run state), and small page helpers that target
 * the window by role and label so markup polish does not break the test.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Engine } from '../../src/main/core/engine';
import { MemorySecretStore, MemorySettingsStore } from '../../src/main/core/settings/store';
import { tempDir } from './helpers';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'test-artifacts/screenshots');

/**
 * Builds the current renderer into a fresh temp folder and returns it. A private bundle, rather
 * than out/renderer, because other tests rebuild (and empty) out/renderer while this one runs,
 * and a stale out/renderer would test yesterday's window.
 */
export async function buildRendererInto(prefix = 'renderer'): Promise<string> {
  const dir = await tempDir(prefix);
  await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'test/renderer/vite.config.ts',
      '--outDir',
      dir,
      '--emptyOutDir',
    ],
    { cwd: ROOT, timeout: 90_000 },
  );
  return dir;
}

/** Debian's Chromium, headless, with the flags that keep it quiet and sandbox-free in CI. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A started engine as on first run: no server, no token, no folders; state in a temp folder.
 * `stop` stops it and removes the state folder.
 */
export async function startFreshEngine(): Promise<{ engine: Engine; stop: () => Promise<void> }> {
  const stateDir = await tempDir('ui-state');
  const engine = await Engine.create({
    stateDir,
    settings: new MemorySettingsStore({}),
    secrets: new MemorySecretStore(null),
    host: 'headless',
    version: 'test',
    watch: { quietMs: 200, maxWaitMs: 1000, rootCheckMs: 300 },
    tunnel: { retry: { baseMs: 50, capMs: 400 } },
  });
  await engine.start();
  return {
    engine,
    stop: async () => {
      await engine.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Opens a view from the side navigation and waits until it is the current one. */
export async function showView(page: Page, label: string): Promise<void> {
  const button = page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: label, exact: true });
  await button.click();
  await button.and(page.locator('[aria-current="page"]')).waitFor({ timeout: 5_000 });
}

/** Saves a full-page screenshot as test-artifacts/screenshots/e2e-NAME.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `e2e-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** Every cover in the track grid: the row's title, the cover's status and its image's width. */
export function gridCovers(
  page: Page,
): Promise<{ title: string; status: string; naturalWidth: number }[]> {
  return page.locator('[data-testid="track-grid"] .track').evaluateAll((rows) =>
    rows.map((row) => {
      const cover = row.querySelector('[data-cover]');
      const img = cover?.querySelector('img');
      return {
        title: row.querySelector('.title')?.textContent?.trim() ?? '',
        status: cover?.getAttribute('data-cover') ?? 'absent',
        naturalWidth: img?.naturalWidth ?? 0,
      };
    }),
  );
}
