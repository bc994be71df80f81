/**
 * A gnome-keyring inside a private desktop session, so Electron's safeStorage has a real encrypted
 * backend (gnome_libsecret) to talk to. Its login keyring is new, lives in the session's folder and
 * is unlocked with a throwaway password: nothing touches the developer's own keyrings.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Message, sessionBus, type Variant } from 'dbus-next';
import { spawnDaemon, stopProcess, type DesktopSession } from './desktop-session';

const SECRETS = 'org.freedesktop.secrets';
const SECRETS_PATH = '/org/freedesktop/secrets';

/** A running keyring daemon. */
export interface Keyring {
  /** The login keyring's password. */
  password: string;
  /** The object path of the default collection (the login keyring), unlocked. */
  collection: string;
  /** The environment the daemon runs with (the session's, plus its private HOME/XDG folders). */
  env: Record<string, string>;
  /** Runs libsecret's secret-tool in the keyring's environment; resolves with its stdout. */
  secretTool(args: string[], input?: string): Promise<string>;
  /** Ends the daemon; also run by the session's stop(). */
  stop(): Promise<void>;
}

/** Calls a method on the secret service and returns the reply's body. */
async function callSecrets(
  busAddress: string,
  fn: (call: (m: Partial<Message>) => Promise<unknown[]>) => Promise<unknown>,
): Promise<unknown> {
  const bus = sessionBus({ busAddress });
  bus.on('error', () => undefined);
  try {
    return await fn(async (m) => (await bus.call(new Message(m)))?.body ?? []);
  } finally {
    bus.disconnect();
  }
}

/**
 * Starts `gnome-keyring-daemon --unlock --components=secrets` in `session` and waits until the
 * secret service answers with an unlocked default collection. The session's stop() ends it too.
 */
export async function startKeyring(
  session: DesktopSession,
  opts: { password?: string; timeoutMs?: number } = {},
): Promise<Keyring> {
  const password = opts.password ?? 'tunecamp-test-keyring';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const home = path.join(session.dir, 'keyring-home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    ...session.env,
  };
  const { child, stderr } = spawnDaemon(
    'gnome-keyring-daemon',
    ['--foreground', '--unlock', '--components=secrets'],
    { env, stdin: 'pipe' },
  );
  // --unlock reads the password up to EOF; with no login keyring yet it creates one with it.
  child.stdin?.end(password);
  const stop = () => stopProcess(child);
  session.onStop(stop);

  const deadline = Date.now() + timeoutMs;
  let collection = '';
  let last = 'no answer';
  while (!collection) {
    if (child.exitCode !== null) {
      throw new Error(
        `gnome-keyring-daemon exited (${child.exitCode}): ${stderr() || 'no output'}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `keyring not ready after ${timeoutMs} ms (${last}): ${stderr() || 'no output'}`,
      );
    }
    try {
      collection = String(
        await callSecrets(session.busAddress, async (call) => {
          const [alias] = await call({
            destination: SECRETS,
            path: SECRETS_PATH,
            interface: 'org.freedesktop.Secret.Service',
            member: 'ReadAlias',
            signature: 's',
            body: ['default'],
          });
          if (!alias || alias === '/') throw new Error('no default collection');
          const [locked] = await call({
            destination: SECRETS,
            path: String(alias),
            interface: 'org.freedesktop.DBus.Properties',
            member: 'Get',
            signature: 'ss',
            body: ['org.freedesktop.Secret.Collection', 'Locked'],
          });
          if ((locked as Variant).value !== false) throw new Error(`${String(alias)} is locked`);
          return alias;
        }),
      );
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const secretTool = async (args: string[], input?: string) => {
    const run = promisify(execFile)('secret-tool', args, { env, timeout: 10_000 });
    if (input !== undefined) run.child.stdin?.end(input);
    else run.child.stdin?.end();
    return (await run).stdout;
  };
  return { password, collection, env, secretTool, stop };
}
