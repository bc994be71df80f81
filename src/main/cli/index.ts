import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../core/engine';
import { createLogger } from '../core/logger';
import { startRemoteServer } from '../core/remote/remote-server';
import { loadConfigFile } from '../core/settings/config-file';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args';
import { lockStateDir } from '../core/fs/state-lock';
import { connectionLine, deltaLine, progressLine, scanSummary, totalsLine } from './output';
import { defaultStateDir } from './paths';
import { buildStores, checkFolders, settingsFromOptions } from './setup';

const VERSION = '0.1.0';
/** Erases the progress bar's line on a terminal before printing over it. */
const CLEAR_LINE = '\r\x1b[2K';

/** Runs the daemon; resolves with the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv, env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tunecamp-share: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (o.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const fail = (message: string, code = 2) => {
    process.stderr.write(`tunecamp-share: ${message}\n`);
    return code;
  };
  if (o.token !== undefined && o.tokenSource === 'flag') {
    process.stderr.write(
      'tunecamp-share: warning: --token is visible to other local users (ps); prefer TUNECAMP_TOKEN or --token-file.\n',
    );
  }
  if (o.tokenFile) {
    try {
      o.token = (await readFile(o.tokenFile, 'utf8')).trim();
      o.tokenSource = 'file';
    } catch (err) {
      return fail(
        `cannot read token file ${o.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (!o.token) return fail(`token file ${o.tokenFile} is empty.`);
  }
  let configSettings = {};
  if (o.config) {
    const loaded = await loadConfigFile(o.config).catch((err: Error) => err);
    if (loaded instanceof Error) return fail(loaded.message);
    for (const p of loaded.problems) process.stderr.write(`tunecamp-share: config: ${p}\n`);
    configSettings = loaded.settings;
  }
  const patch = settingsFromOptions(o, configSettings);
  if ('error' in patch) return fail(patch.error);
  const folderError = await checkFolders(patch.settings.folders?.map((f) => f.path) ?? []);
  if (folderError) return fail(folderError);

  const stateDir = path.resolve(o.stateDir ?? defaultStateDir());
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return fail(`cannot create state dir ${stateDir}: ${(err as Error).message}`);
  }
  const tty = Boolean(process.stderr.isTTY) && !o.json;
  const log = createLogger({
    dir: o.scanOnly ? undefined : path.join(stateDir, 'logs'),
    // The log file has everything; the terminal gets warnings and errors (status lines come apart).
    echo: o.scanOnly
      ? undefined
      : (line, level) =>
          level !== 'info' && process.stderr.write(`${tty ? CLEAR_LINE : ''}${line}\n`),
  });

  const common = { stateDir, host: 'headless' as const, version: VERSION, log };
  if (o.scanOnly) {
    if (!patch.settings.folders?.length)
      return fail('nothing to scan: pass --share DIR or set TUNECAMP_SHARE.');
    const { settings, secrets } = await buildStores(stateDir, patch.settings, null, true);
    const engine = await Engine.create({ ...common, settings, secrets, watch: { watch: false } });
    const stopBar = tty ? showProgress(engine) : () => {};
    await engine.start();
    await engine.whenScanned();
    stopBar();
    const manifest = engine.manifest();
    const snapshot = await engine.invoke('getSnapshot');
    await engine.stop();
    if (o.json) process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
    else
      process.stdout.write(
        scanSummary(engine.library.entries(), manifest, snapshot.folders) + '\n',
      );
    return 0;
  }

  let release: () => Promise<void>;
  try {
    release = await lockStateDir(stateDir);
  } catch (err) {
    return fail((err as Error).message, 1);
  }
  const { settings, secrets } = await buildStores(stateDir, patch.settings, o.token ?? null, false);
  if (!settings.get().server) {
    await release();
    return fail('no server: pass --server URL or set TUNECAMP_SERVER.');
  }
  if (settings.get().folders.length === 0) {
    await release();
    return fail('nothing to share: pass --share DIR or set TUNECAMP_SHARE.');
  }
  if (!(await secrets.getToken())) {
    await release();
    return fail('no token: set TUNECAMP_TOKEN or pass --token-file FILE.');
  }
  const engine = await Engine.create({
    ...common,
    settings,
    secrets,
    logsDir: path.join(stateDir, 'logs'),
  });
  const say = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let lastKey = '';
  let lastPublished = -1;
  engine.on('connection', (s) => {
    // One line per connection change, and one when the published count changes.
    const key = `${s.state}|${s.sessionId ?? ''}|${s.problem?.code ?? ''}`;
    if (key !== lastKey) say(connectionLine(s));
    else if (s.state === 'connected' && s.publishedTracks !== lastPublished) {
      say(`published ${s.publishedTracks} tracks`);
    }
    lastKey = key;
    lastPublished = s.publishedTracks;
  });
  const stopBar = tty ? showProgress(engine) : () => {};
  let lastTotals = '';
  const summary = setInterval(async () => {
    const line = totalsLine((await engine.invoke('getSnapshot')).totals);
    if (line !== lastTotals) say((lastTotals = line));
  }, 60_000);
  summary.unref();

  let remote: { url: string; close(): Promise<void> } | null = null;
  if (o.uiPort !== undefined) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    remote = await startRemoteServer({
      api: engine,
      port: o.uiPort,
      host: o.uiHost,
      staticDir: path.resolve(here, '..', 'out', 'renderer'),
    });
    process.stdout.write(`Control window: ${remote.url}\n`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    clearInterval(summary);
    stopBar();
    await remote?.close();
    await engine.stop();
    await release();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    if (!o.config) return say('SIGHUP: no --config file to reload');
    void loadConfigFile(o.config).then(
      async (loaded) => {
        for (const p of loaded.problems) say(`config: ${p}`);
        const next = settingsFromOptions(o, loaded.settings);
        if ('error' in next) return say(`config: ${next.error}`);
        await engine.reload(next.settings);
        say(`reloaded ${o.config}`);
      },
      (err: Error) => say(`config not reloaded: ${err.message}`),
    );
  });
  await engine.start();
  stopBar();
  // After the first scan, one line per change the watcher found in the folders. Not the engine's
  // 'tracks' event: that also carries play counts, so every finished stream read "1 changed".
  engine.library.on('delta', (d) => {
    const line = deltaLine(d);
    if (line) say(line);
  });
  return -1;
}

/** Draws the scan progress bar on stderr until every folder has finished scanning. */
function showProgress(engine: Engine): () => void {
  let last = '';
  const off = engine.on('folders', (folders) => {
    const scanning = folders.some((f) => f.state === 'scanning');
    const line = scanning ? progressLine(folders) : '';
    if (line === last) return;
    process.stderr.write(`${CLEAR_LINE}${line}`);
    last = line;
  });
  return () => {
    off();
    if (last) process.stderr.write(CLEAR_LINE);
  };
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`tunecamp-share: ${err.message}\n`);
    process.exit(1);
  },
);
