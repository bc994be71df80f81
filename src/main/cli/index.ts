import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../core/engine';
import { createLogger } from '../core/logger';
import { loadConfigFile } from '../core/settings/config-file';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args';
import { lockStateDir } from '../core/fs/state-lock';
import { removeStaleTemps } from '../core/fs/stale-temps';
import { runDaemon } from './daemon';
import { runGet } from './get';
import { runLanToken } from './lan-token';
import { runNearby } from './nearby';
import { runRoom } from './room';
import { runPairing } from './pairing';
import { runPeerCli } from './peer-cli';
import { EXIT } from './exit-codes';
import { progressLine } from './output';
import { defaultStateDir } from './paths';
import { runScanOnly } from './scan-only';
import { buildStores, checkFolders, settingsFromOptions } from './setup';
import { ConnectionPrinter, WarningFolder } from './terminal';

const VERSION = '0.1.0';
/** Erases the progress bar's line on a terminal before printing over it. */
const CLEAR_LINE = '\r\x1b[2K';

/** Runs the daemon; resolves with the process exit code (`--scan-only`, refusals) or never. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv[0] === 'lan-token') return runLanToken(argv.slice(1), env);
  if (argv[0] === 'get') return runGet(argv.slice(1), env);
  if (argv[0] === 'nearby') return runNearby(argv.slice(1));
  if (argv[0] === 'room') return runRoom(argv.slice(1));
  if (argv[0] === 'ls' || argv[0] === 'search') return runPeerCli(argv[0], argv.slice(1), env);
  if (['pair-link', 'pair', 'peers', 'unpair'].includes(argv[0] ?? ''))
    return runPairing(argv[0]!, argv.slice(1), env);
  let o: CliOptions;
  try {
    o = parseArgs(argv, env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tunecamp-share: ${err.message}\n`);
      return EXIT.usage;
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
  const fail = (message: string, code: number = EXIT.usage) => {
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
  const say = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const printer = new ConnectionPrinter();
  const folder = new WarningFolder((line) =>
    process.stderr.write(`${tty ? CLEAR_LINE : ''}${line}\n`),
  );
  const log = createLogger({
    dir: o.scanOnly ? undefined : path.join(stateDir, 'logs'),
    // The log file has everything; the terminal gets warnings and errors, identical ones folded,
    // and not the one that the connection's own line has just said.
    echo: o.scanOnly
      ? undefined
      : (line, level) => {
          if (level === 'info') return;
          queueMicrotask(() => {
            const message = line.replace(/^\S+ \S+ /, '');
            if (message !== printer.problemMessage) folder.add(message, line);
          });
        },
  });
  const flush = setInterval(() => folder.flush(), 5_000);
  flush.unref();

  const common = { stateDir, host: 'headless' as const, version: VERSION, log };
  const progress = (engine: Engine) => (tty ? showProgress(engine) : () => {});
  if (o.scanOnly) {
    if (!patch.settings.folders?.length)
      return fail('nothing to scan: pass --share DIR or set TUNECAMP_SHARE.');
    return runScanOnly({ settings: patch.settings, json: o.json, common, progress });
  }

  let release: () => Promise<void>;
  try {
    release = await lockStateDir(stateDir);
  } catch (err) {
    return fail((err as Error).message, EXIT.failure);
  }
  // Ours now: what a killed run was writing is half a file; the finished copies are in place.
  await removeStaleTemps(stateDir);
  const source = { env: 'environment', file: 'token-file', flag: 'command-line' } as const;
  const { settings, secrets } = await buildStores(
    stateDir,
    patch.settings,
    o.token ?? null,
    false,
    source[o.tokenSource ?? 'env'],
  );
  // With a control window, the server and the sign-in may come from there.
  const window = o.uiPort !== undefined;
  const missing =
    !window && !settings.get().server
      ? 'no server: pass --server URL or set TUNECAMP_SERVER.'
      : settings.get().folders.length === 0
        ? 'nothing to share: pass --share DIR or set TUNECAMP_SHARE.'
        : !window && !(await secrets.getToken())
          ? 'no token: set TUNECAMP_TOKEN, pass --token-file FILE, or sign in from the control window (--ui-port).'
          : null;
  if (missing) {
    await release();
    return fail(missing);
  }
  const logsDir = path.join(stateDir, 'logs');
  return runDaemon({
    options: o,
    common: { ...common, logsDir },
    settings,
    secrets,
    release,
    say,
    printer,
    progress,
  });
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
    process.exit(EXIT.failure);
  },
);
