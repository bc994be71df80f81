/**
 * The real desktop app under test: built into a private folder, started in the real Electron
 * binary (the official one, or the Electron 33 runtime scripts/electron-runtime.mjs assembles)
 * under a private Xvfb display and D-Bus session, driven by Playwright's Electron support.
 * Only the native dialogs are stubbed (os-stubs.cjs); everything else is the app as users run it.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { ensureElectron } from '../../scripts/electron-runtime.mjs';
import { tempDir } from '../e2e/helpers';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'test-artifacts/screenshots');
const STUBS = path.join(import.meta.dirname, 'os-stubs.cjs');

/** The Electron executable the tests use (assembled on first use where no official one exists). */
export async function electronBinary(): Promise<string> {
  return (await ensureElectron()).path;
}

/**
 * Builds the app into a fresh folder laid out as the repository is (package.json, out/, assets/,
 * node_modules/), so a concurrent `npm run build` cannot change the app under a running test.
 */
export async function buildApp(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await tempDir('app');
  await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '--outDir',
      path.join(dir, 'out'),
    ],
    { cwd: ROOT, timeout: 120_000 },
  );
  await copyFile(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  await symlink(path.join(ROOT, 'assets'), path.join(dir, 'assets'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What the stubbed native dialogs answer; rewritten by the test whenever it likes. */
export interface DialogAnswers {
  /** Paths the folder picker returns; null cancels it. */
  openDialog?: string[] | null;
  /** The button index every message box answers. */
  messageBox?: number;
}

/** One running instance of the app and what it reported. */
export interface RunningApp {
  app: ElectronApplication;
  /** The main window's page (waits for it). */
  window(): Promise<Page>;
  /** The XDG_CONFIG_HOME it runs with: its state lives in `${config}/tunecamp-share`. */
  config: string;
  stateDir: string;
  setDialogs(answers: DialogAnswers): Promise<void>;
  /** The native dialogs the app called. */
  dialogCalls(): Promise<{ fn: string; [k: string]: unknown }[]>;
  /**
   * Everything that went wrong during the run: renderer console errors and page errors, and
   * unhandled rejections, uncaught exceptions and error boxes in main.
   */
  errors(): Promise<string[]>;
  /** The main process's pid. */
  pid: number;
}

export interface LaunchOptions {
  /** The app folder the Electron binary runs ('' with `executable`). */
  appDir: string;
  /** A packaged app's own binary instead of Electron plus `appDir`. */
  executable?: string;
  /** Environment of the private desktop session (DISPLAY, DBUS_SESSION_BUS_ADDRESS…). */
  sessionEnv: Record<string, string>;
  /** Reuse a config folder (a second launch, a relaunch); a fresh one by default. */
  config?: string;
  args?: string[];
  env?: Record<string, string>;
  dialogs?: DialogAnswers;
  /** Default: the first window appears. False for launches that show none (--hidden). */
  expectWindow?: boolean;
}

/** Console noise Chromium prints that says nothing about the app. */
const BENIGN = [/'frame-ancestors' is ignored/, /Electron Security Warning/];

/** Starts the app. Stop it with `quit(running)` (or app.close()). */
export async function launchApp(opts: LaunchOptions): Promise<RunningApp> {
  const config = opts.config ?? (await tempDir('config'));
  const stubFile = path.join(config, 'os-stubs.json');
  await mkdir(config, { recursive: true });
  await writeFile(stubFile, JSON.stringify(opts.dialogs ?? {}));
  const app = await _electron.launch({
    executablePath: opts.executable ?? (await electronBinary()),
    // A packaged binary has no default app to honour -r: its stubs go in once it runs.
    args: [...(opts.executable ? [] : ['-r', STUBS, opts.appDir]), ...(opts.args ?? [])],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: config,
      XDG_CONFIG_HOME: config,
      XDG_DATA_HOME: path.join(config, 'data'),
      XDG_CACHE_HOME: path.join(config, 'cache'),
      LANG: 'en_US.UTF-8',
      TCS_STUBS: stubFile,
      ...opts.sessionEnv,
      ...opts.env,
    },
    timeout: 60_000,
  });
  if (opts.executable) {
    // The same stub code, run in main with a require that serves electron and Node's built-ins.
    const source = await readFile(STUBS, 'utf8');
    await app.evaluate(
      (electron, { source, file }) => {
        process.env.TCS_STUBS = file;
        const req = (id: string) => (id === 'electron' ? electron : process.getBuiltinModule(id));
        new Function('require', source)(req);
      },
      { source, file: stubFile },
    );
  }
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error' || BENIGN.some((re) => re.test(m.text()))) return;
      pageErrors.push(`console: ${m.text()}`);
    });
  };
  app.on('window', watch);
  for (const page of app.windows()) watch(page);
  const readLines = async (suffix: string) => {
    const text = await readFile(`${stubFile}.${suffix}`, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { fn: string; kind?: string; message?: string });
  };
  return {
    app,
    config,
    stateDir: path.join(config, 'tunecamp-share'),
    pid: app.process().pid!,
    window: () => app.firstWindow({ timeout: 30_000 }),
    setDialogs: (answers) => writeFile(stubFile, JSON.stringify(answers)),
    dialogCalls: () => readLines('calls'),
    errors: async () => [
      ...pageErrors,
      ...(await readLines('errors')).map((e) => `main ${e.kind}: ${e.message}`),
    ],
  };
}

/**
 * Fills the Connect view with a server address and an API token and presses Connect, as a user
 * does on first launch (waits for the view first).
 */
export async function connectWithToken(page: Page, server: string, token: string): Promise<void> {
  await page.getByRole('heading', { name: 'Connect to your TuneCamp server' }).waitFor();
  await page.getByLabel(/^Server address/).fill(server);
  await page.getByRole('radio', { name: 'API token' }).check();
  await page.getByLabel(/^Token/).fill(token);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

/** Fails with every error the app reported, in full (an array diff would hide them). */
export async function expectNoErrors(running: RunningApp): Promise<void> {
  const errors = await running.errors();
  if (errors.length > 0) throw new Error(`the app reported errors:\n${errors.join('\n')}`);
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of a process and all its descendants (from /proc). */
export async function processTree(pid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-e', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of stdout.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    children.set(pp!, [...(children.get(pp!) ?? []), p!]);
  }
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

/** Saves a screenshot of the real window as test-artifacts/screenshots/app-NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `app-${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}
