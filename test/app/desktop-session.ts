/**
 * A private desktop for one test file: an Xvfb display and a D-Bus session bus of its own, so the
 * real app's tray, keyring and window never touch the developer's desktop or another test's.
 * Every wait is bounded and stop() leaves no process or folder behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** What a test hands to the processes it starts inside the session. */
export interface DesktopSession {
  /** The X display, e.g. ":3". */
  display: string;
  /** The private bus, a `unix:path=` address (dbus-next cannot reach abstract sockets). */
  busAddress: string;
  /** The session's own folder (bus socket, XDG_RUNTIME_DIR, daemons' homes); removed by stop(). */
  dir: string;
  /**
   * The desktop variables only (DISPLAY, DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR,
   * XDG_CURRENT_DESKTOP…): layer them over the app's own environment. HOME and the XDG data and
   * config folders are left to the caller.
   */
  env: Record<string, string>;
  /** Runs `fn` at the start of stop(), before the bus and display go (daemons started inside). */
  onStop(fn: () => Promise<void>): void;
  /** Stops every process of the session and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface DesktopOptions {
  /**
   * XDG_CURRENT_DESKTOP. XFCE by default: Chromium then both picks libsecret for safeStorage
   * (OTHER would mean basic_text) and sends tray icons as IconPixmap (GNOME and Pantheon get a
   * PNG file path instead).
   */
  desktop?: string;
  /** Xvfb screen, WxHxDEPTH. */
  screen?: string;
  /** Bound on each daemon's start-up. */
  timeoutMs?: number;
}

/** Why the session cannot run here (a binary missing), or null. `extra` adds binaries to check. */
export function desktopMissing(extra: string[] = []): string | null {
  const need: Record<string, string> = { Xvfb: 'xvfb', 'dbus-daemon': 'dbus' };
  for (const bin of extra) need[bin] = bin === 'gnome-keyring-daemon' ? 'gnome-keyring' : bin;
  for (const [bin, pkg] of Object.entries(need)) {
    if (!onPath(bin)) return `${bin} is missing (apt-get install ${pkg})`;
  }
  return null;
}

const live = new Set<ChildProcess>();
// A worker that exits without running afterAll must not leave daemons behind; setpriv (util-linux)
// covers a worker killed outright, by having the kernel kill the daemon with it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
const setpriv = onPath('setpriv');

function onPath(bin: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (dir && existsSync(path.join(dir, bin))) return path.join(dir, bin);
  }
  return null;
}

/** Spawns a daemon the session owns: it dies with this process, however this process ends. */
export function spawnDaemon(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; extraFds?: number; stdin?: 'pipe' | 'ignore' } = {},
): { child: ChildProcess; stderr: () => string } {
  const stdio: ('pipe' | 'ignore')[] = [opts.stdin ?? 'ignore', 'pipe', 'pipe'];
  for (let i = 0; i < (opts.extraFds ?? 0); i++) stdio.push('pipe');
  // setpriv execs the daemon in place: the pid stays the daemon's.
  const [file, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', cmd, ...args]]
    : [cmd, args];
  const child = spawn(file, argv, { env: opts.env ?? process.env, stdio });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  child.stdout?.resume();
  return { child, stderr: () => err.trim() };
}

/** The first line a stream writes, or an error naming `what` after `timeoutMs` or an exit. */
export function firstLine(
  stream: Readable,
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  stderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err: Error | null, line = '') => {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(null, buf.slice(0, nl).trim());
    };
    const onExit = (code: number | null) =>
      done(new Error(`${what} exited (${code}) before it was ready: ${stderr() || 'no output'}`));
    const timer = setTimeout(
      () => done(new Error(`${what} not ready after ${timeoutMs} ms: ${stderr() || 'no output'}`)),
      timeoutMs,
    );
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Ends a process: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) =>
    Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(r, ms, false))]);
  child.kill('SIGTERM');
  if (await within(graceMs)) return;
  child.kill('SIGKILL');
  if (!(await within(2000))) throw new Error(`process ${child.pid} survived SIGKILL`);
}

/** A session bus that only routes: no service activation, so nothing starts behind the test's back. */
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/** Starts Xvfb on a free display and a private session bus; stop() ends both. */
export async function startDesktopSession(opts: DesktopOptions = {}): Promise<DesktopSession> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-desktop-'));
  const runtime = path.join(dir, 'runtime');
  await mkdir(runtime, { mode: 0o700 });
  await chmod(runtime, 0o700);
  const children: ChildProcess[] = [];
  const hooks: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | null = null;

  const stop = () =>
    (stopped ??= (async () => {
      const errors: unknown[] = [];
      for (const fn of hooks.reverse()) await fn().catch((e: unknown) => errors.push(e));
      for (const child of children.reverse())
        await stopProcess(child).catch((e: unknown) => errors.push(e));
      await rm(dir, { recursive: true, force: true });
      if (errors.length) throw errors[0];
    })());

  try {
    // -displayfd: Xvfb picks a free display itself and writes its number once it accepts clients.
    const x = spawnDaemon(
      'Xvfb',
      [
        '-displayfd',
        '3',
        '-nolisten',
        'tcp',
        '-noreset',
        '-screen',
        '0',
        opts.screen ?? '1280x900x24',
      ],
      { extraFds: 1 },
    );
    children.push(x.child);
    const fd3 = x.child.stdio[3] as Readable;
    const display = `:${await firstLine(fd3, x.child, 'Xvfb', timeoutMs, x.stderr)}`;

    const config = path.join(dir, 'session.conf');
    await writeFile(config, busConfig(path.join(dir, 'bus')));
    const bus = spawnDaemon('dbus-daemon', [
      `--config-file=${config}`,
      '--nofork',
      '--print-address',
    ]);
    children.push(bus.child);
    const busAddress = await firstLine(
      bus.child.stdout!,
      bus.child,
      'dbus-daemon',
      timeoutMs,
      bus.stderr,
    );

    const env: Record<string, string> = {
      DISPLAY: display,
      DBUS_SESSION_BUS_ADDRESS: busAddress,
      XDG_RUNTIME_DIR: runtime,
      XDG_CURRENT_DESKTOP: opts.desktop ?? 'XFCE',
      XDG_SESSION_TYPE: 'x11',
      // GTK's accessibility bridge would look for an a11y bus this session does not have.
      NO_AT_BRIDGE: '1',
    };
    return { display, busAddress, dir, env, onStop: (fn) => hooks.push(fn), stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
