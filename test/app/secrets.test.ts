/**
 * Where the real app keeps the token. With GNOME Keyring running in the private session, Electron's
 * safeStorage encrypts it and the file holds no plain text. Without a keyring the app asks first
 * (the consent dialog), and each answer is honoured: a private 0600 file, or memory only.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { desktopMissing, startDesktopSession, type DesktopSession } from './desktop-session';
import {
  buildApp,
  launchApp,
  type DialogAnswers,
  type RunningApp,
  expectNoErrors,
  connectWithToken,
} from './harness';
import { startKeyring } from './keyring';

const skip = desktopMissing(['gnome-keyring-daemon']);
const TOKEN = 'tc_secret_0123456789abcdef';
const CONSENT = 'This system offers no encrypted storage for your TuneCamp token.';

let hub: Hub;
let built: Awaited<ReturnType<typeof buildApp>>;
const sessions: DesktopSession[] = [];
const apps: RunningApp[] = [];

beforeAll(async () => {
  if (skip) return;
  hub = await startHub({ tokens: { [TOKEN]: { username: 'maria' } } });
  built = await buildApp();
}, 180_000);

afterEach(async () => {
  for (const a of apps.splice(0)) {
    await a.app.close().catch(() => undefined);
    await rm(a.config, { recursive: true, force: true });
  }
  for (const s of sessions.splice(0)) await s.stop();
}, 30_000);

afterAll(async () => {
  await hub?.close();
  await built?.remove();
});

async function session(): Promise<DesktopSession> {
  const s = await startDesktopSession();
  sessions.push(s);
  return s;
}

async function launch(
  s: DesktopSession,
  opts: { config?: string; dialogs?: DialogAnswers } = {},
): Promise<RunningApp> {
  const running = await launchApp({ appDir: built.dir, sessionEnv: s.env, ...opts });
  if (!opts.config) apps.push(running);
  return running;
}

/** Signs in with the token from the Connect view; waits until the hub holds the session. */
async function signIn(running: RunningApp): Promise<void> {
  const page = await running.window();
  await connectWithToken(page, hub.url, TOKEN);
  await hub.waitFor(() => hub.sessions().length === 1, 15_000);
}

const secretsFile = (r: RunningApp) => path.join(r.stateDir, 'secrets.json');
const consentAsked = async (r: RunningApp) =>
  (await r.dialogCalls()).filter((c) => c.fn === 'showMessageBox' && c.message === CONSENT).length;

/** Quits, then waits for the hub to see the session go. */
async function quit(r: RunningApp): Promise<void> {
  await r.app.close();
  await hub.waitFor(() => hub.sessions().length === 0, 10_000);
}

describe.skipIf(skip)('the token at rest', () => {
  it('is encrypted with the keyring, and read back on the next start', async () => {
    const s = await session();
    await startKeyring(s);
    const running = await launch(s);
    const backend = await running.app.evaluate(({ safeStorage }) => ({
      available: safeStorage.isEncryptionAvailable(),
      backend: safeStorage.getSelectedStorageBackend(),
    }));
    expect(backend).toEqual({ available: true, backend: 'gnome_libsecret' });
    await signIn(running);
    const stored = () => readFile(secretsFile(running), 'utf8').catch(() => '');
    await expect.poll(stored).toContain('"safeStorage"');
    const text = await stored();
    expect(text).not.toContain(TOKEN);
    expect(Buffer.from(JSON.parse(text).token.data, 'base64').toString('latin1')).not.toContain(
      TOKEN,
    );
    expect(await consentAsked(running)).toBe(0);

    // The LAN identity's private key is sealed the same way (loopback only).
    const page = await running.window();
    await page.evaluate(() =>
      window.tunecamp!.invoke('updateSettings', {
        lan: { enabled: true, port: 0, host: '127.0.0.1', interfaces: [] },
      }),
    );
    const myId = () => page.evaluate(async () => (await window.tunecamp!.invoke('getNearby')).myId);
    await expect.poll(myId).toMatch(/^[0-9a-f]{64}$/);
    const id = await myId();
    const identity = JSON.parse(
      await readFile(path.join(running.stateDir, 'identity.json'), 'utf8'),
    );
    expect(identity.keySealed.scheme).toBe('safeStorage');
    expect(identity.key).toBeUndefined();
    expect(JSON.stringify(identity)).not.toContain('PRIVATE KEY');
    await expectNoErrors(running);
    await quit(running);

    const again = await launch(s, { config: running.config });
    await hub.waitFor(() => hub.sessions().length === 1, 15_000);
    // Opened with the keyring on the next start: the same device.
    const page2 = await again.window();
    await expect
      .poll(() => page2.evaluate(async () => (await window.tunecamp!.invoke('getNearby')).myId))
      .toBe(id);
    await expectNoErrors(again);
    await quit(again);
  }, 120_000);

  it('without a keyring, asks first; "Store in a private file" writes a 0600 file', async () => {
    const s = await session();
    const running = await launch(s, { dialogs: { messageBox: 0 } });
    expect(
      await running.app.evaluate(({ safeStorage }) => safeStorage.isEncryptionAvailable()),
    ).toBe(false);
    await signIn(running);
    expect(await consentAsked(running)).toBe(1);
    const file = secretsFile(running);
    // Written just after the sign-in that the hub saw.
    const stored = async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{}')).token;
    await expect.poll(stored).toEqual({ scheme: 'plain', data: TOKEN });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await quit(running);

    // Remembered: the next start signs in from the file without asking again.
    const again = await launch(s, { config: running.config, dialogs: { messageBox: 0 } });
    await hub.waitFor(() => hub.sessions().length === 1, 15_000);
    expect(await consentAsked(again)).toBe(1); // the same calls file: still the one question
    await quit(again);
  }, 120_000);

  it('without a keyring, "Keep for this session only" writes no token; the next start asks to sign in', async () => {
    const s = await session();
    const running = await launch(s, { dialogs: { messageBox: 1 } });
    await signIn(running);
    expect(await consentAsked(running)).toBe(1);
    const text = await readFile(secretsFile(running), 'utf8');
    expect(JSON.parse(text)).toEqual({ version: 1, plainConsent: false });
    expect(text).not.toContain(TOKEN);
    await quit(running);

    const again = await launch(s, { config: running.config });
    const page = await again.window();
    await page
      .getByRole('heading', { name: 'Connect to your TuneCamp server' })
      .waitFor({ timeout: 15_000 });
    expect(hub.sessions()).toHaveLength(0);
    await quit(again);
  }, 120_000);
});
