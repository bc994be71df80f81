/**
 * Page helpers shared by the browser tests: a private build served with the mock engine behind a
 * fake daemon socket, Chromium, opening the app and moving between views.
 */
import { mkdir } from 'node:fs/promises';
import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, buildRenderer, launch, removeBuild, serve } from './harness';
import { createMockApi } from '../../src/renderer/src/lib/transport/mock';

/** The remote-control token the fake daemon accepts. */
export const DAEMON_TOKEN = 'remote-token-0123456789';

/** A running test UI: base URL of the private build, the browser, and one teardown. */
export interface Ui {
  base: string;
  browser: Browser;
  bundle: string;
  close: () => Promise<void>;
}

/** Build the renderer privately, serve it (with the mock as the daemon), launch Chromium. */
export async function startUi(): Promise<Ui> {
  // Always build, into a private folder, so a test never runs against a stale or shared bundle.
  const bundle = await buildRenderer();
  const server = await serve(bundle, { api: createMockApi(''), token: DAEMON_TOKEN });
  const browser = await launch();
  await mkdir(SHOTS, { recursive: true });
  return {
    base: server.base,
    browser,
    bundle,
    close: async () => {
      await browser.close();
      await server.close();
      await removeBuild(bundle);
    },
  };
}

/** Open the app with the mock engine; collects page errors (CSP violations included). */
export async function openApp(
  ui: Pick<Ui, 'base' | 'browser'>,
  opts: { dark?: boolean; zoom?: number; hash?: string } = {},
) {
  const zoom = opts.zoom ?? 1;
  const ctx = await ui.browser.newContext({
    viewport: { width: 1280 / zoom, height: 800 / zoom },
    deviceScaleFactor: zoom,
    colorScheme: opts.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The brief's CSP keeps frame-ancestors in the meta tag, where Chromium ignores it (it only
    // works as a header, which the static server and the daemon send): expected noise.
    if (m.type() === 'error' && !m.text().includes("'frame-ancestors' is ignored"))
      errors.push(m.text());
  });
  await page.goto(`${ui.base}${opts.hash ?? '#mock'}`);
  // The snapshot arrives asynchronously; until then the header says "Loading…".
  await expect
    .poll(() => page.getByTestId('headline').textContent(), { timeout: 10_000 })
    .not.toBe('Loading…');
  return { page, errors, close: () => ctx.close() };
}

/** Click a view in the side navigation and wait until it is current. */
export async function show(page: Page, view: string): Promise<void> {
  await page.locator(`nav button[data-view="${view}"]`).click();
  await page.waitForFunction(
    (v) =>
      document.querySelector(`nav button[data-view="${v}"]`)?.getAttribute('aria-current') ===
      'page',
    view,
  );
}

/** Show the Tracks view and wait for the 50,000 mock tracks. */
export async function tracksReady(page: Page): Promise<void> {
  await show(page, 'tracks');
  await expect
    .poll(() => page.getByTestId('track-count').textContent(), { timeout: 15_000 })
    .toContain('50,000 tracks');
}
