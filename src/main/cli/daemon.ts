import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionStatus, Settings } from '../../shared/contract';
import { Engine, type EngineOptions } from '../core/engine';
import { startRemoteServer } from '../core/remote/remote-server';
import { loadConfigFile } from '../core/settings/config-file';
import type { SecretStore, SettingsStore } from '../core/settings/store';
import type { CliOptions } from './args';
import { EXIT } from './exit-codes';
import { deltaLine, totalsLine } from './output';
import { settingsFromOptions } from './setup';
import type { ConnectionPrinter } from './terminal';

/** What the daemon needs once the command line, stores and lock are settled. */
export interface DaemonOptions {
  options: CliOptions;
  common: Omit<EngineOptions, 'settings' | 'secrets'>;
  settings: SettingsStore;
  secrets: SecretStore;
  /** Releases `<state-dir>/daemon.lock`. */
  release: () => Promise<void>;
  /** Prints one timestamped line on stderr. */
  say: (line: string) => void;
  printer: ConnectionPrinter;
  /** Draws the scan progress bar (TTY only); returns its remover. */
  progress: (engine: Engine) => () => void;
}

/** The server refused this account: 401 (token rejected) or 403 (may not share). */
export function isSignInRefusal(s: ConnectionStatus): boolean {
  return (
    s.state === 'stopped' && (s.problem?.code === 'unauthorized' || s.problem?.code === 'forbidden')
  );
}

/**
 * Runs the daemon until a signal (or a refused sign-in without a control window) ends it. Never
 * resolves: the process exits from here with the status README documents.
 */
export async function runDaemon(d: DaemonOptions): Promise<never> {
  const { options: o, say } = d;
  const engine = await Engine.create({ ...d.common, settings: d.settings, secrets: d.secrets });
  let stopping = false;
  const shutdown = async (why: string, code: number = EXIT.ok, line?: string) => {
    if (stopping) return;
    stopping = true;
    if (line) process.stderr.write(`tunecamp-share: ${line}\n`);
    else say(`${why}: stopping`);
    clearInterval(summary);
    stopBar();
    await remote?.close().catch(() => undefined);
    const unsaved = await engine.stop().catch((err: Error) => [`state (${err.message})`]);
    if (unsaved.length > 0)
      say(`not saved: ${unsaved.join(', ')}; it is rebuilt at the next start`);
    await d.release().catch(() => undefined);
    process.exit(code);
  };

  let remote: { url: string; newUrl(): string; close(): Promise<void> } | null = null;
  engine.on('connection', (s) => {
    const line = d.printer.line(s);
    if (isSignInRefusal(s)) {
      if (!remote) return void shutdown('sign-in', EXIT.signIn, s.problem?.message);
      if (line) say(`${line} Waiting for a new sign-in in the control window.`);
      return;
    }
    if (line) say(line);
  });
  const stopBar = d.progress(engine);
  let lastTotals = '';
  const summary = setInterval(async () => {
    const line = totalsLine((await engine.invoke('getSnapshot')).totals);
    if (line !== lastTotals) say((lastTotals = line));
  }, 60_000);
  summary.unref();

  if (o.uiPort !== undefined) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    remote = await startRemoteServer({
      api: engine,
      port: o.uiPort,
      host: o.uiHost,
      staticDir: path.resolve(here, '..', 'out', 'renderer'),
      covers: engine.covers,
      peerAudioPort: () => engine.peerProxyPort(),
      newLinkHint: `For a new one, run: kill -USR2 ${process.pid}`,
    });
    process.stdout.write(`Control window: ${remote.url}\n`);
    say(`the control window link works once; kill -USR2 ${process.pid} prints a new one`);
    // A new one-time link on demand (the last one was opened, or shown somewhere it should not be).
    // SIGUSR2 no longer ends the process, so the exit hook a dependency put on it (when-exit,
    // via conf) goes: it would run exit clean-ups and raise the signal a second time.
    process.removeAllListeners('SIGUSR2');
    process.on('SIGUSR2', () => {
      if (remote) process.stdout.write(`Control window: ${remote.newUrl()}\n`);
    });
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void reloadConfig(engine, o, say));
  if (!(await d.secrets.getToken())) say('not signed in: sign in from the control window');
  await engine.start();
  stopBar();
  // After the first scan, one line per change the watcher found in the folders. Not the engine's
  // 'tracks' event: that also carries play counts, so every finished stream read "1 changed".
  engine.library.on('delta', (delta) => {
    const line = deltaLine(delta);
    if (line) say(line);
  });
  return new Promise<never>(() => {});
}

/** SIGHUP: reads `--config` again and applies it (flags still win). */
async function reloadConfig(
  engine: Engine,
  o: CliOptions,
  say: (l: string) => void,
): Promise<void> {
  if (!o.config) return say('SIGHUP: no --config file to reload');
  let loaded: { settings: Partial<Settings>; problems: string[] };
  try {
    loaded = await loadConfigFile(o.config);
  } catch (err) {
    return say(`config not reloaded: ${(err as Error).message}`);
  }
  for (const p of loaded.problems) say(`config: ${p}`);
  const next = settingsFromOptions(o, loaded.settings);
  if ('error' in next) return say(`config: ${next.error}`);
  await engine.reload(next.settings);
  say(`reloaded ${o.config}`);
}
