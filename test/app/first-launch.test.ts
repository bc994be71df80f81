/**
 * First launch of the real app: the Connect view, signing in (username and password, then an API
 * token), and the header following the connection.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import { buildApp, launchApp, screenshot, type RunningApp, expectNoErrors } from './harness';

const skip = desktopMissing();
let session: DesktopSession;
let hub: Hub;
let built: Awaited<ReturnType<typeof buildApp>>;
let running: RunningApp | null = null;

beforeAll(async () => {
  if (skip) return;
  hub = await startHub({ tokens: { tc_good: { username: 'maria' } }, users: { maria: 'secret' } });
  session = await startDesktopSession();
  built = await buildApp();
}, 180_000);

afterAll(async () => {
  await running?.app.close().catch(() => undefined);
  await hub?.close();
  await session?.stop();
  await built?.remove();
  if (running) await rm(running.config, { recursive: true, force: true });
}, 30_000);

describe.skipIf(skip)('first launch of the real app', () => {
  it('opens on Connect and signs in with a username and password', async () => {
    running = await launchApp({
      appDir: built.dir,
      sessionEnv: session.env,
    });
    const page = await running.window();
    await page
      .getByRole('heading', { name: 'Connect to your TuneCamp server' })
      .waitFor({ timeout: 20_000 });
    await screenshot(page, 'connect');
    await page.getByLabel(/^Server address/).fill(hub.url);
    await page.getByRole('radio', { name: 'Username and password' }).check();
    await page.getByLabel('Username', { exact: true }).fill('maria');
    await page.getByLabel('Password', { exact: true }).fill('secret');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 })
      .toMatch(/^Sharing \d+ tracks? with 127\.0\.0\.1/);
    expect(hub.sessions().map((s) => s.username)).toEqual(['maria']);
    await expectNoErrors(running);
  }, 120_000);
});
