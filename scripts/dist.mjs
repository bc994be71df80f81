// `npm run dist`: builds the app and packages it with electron-builder (electron-builder.yml).
// With the official Electron binary, the targets are those of electron-builder.yml. Without it
// (the binary download failed), the app is packaged on the Electron 33 runtime that
// electron-runtime.mjs assembles, for development and tests only, and only the targets that can be
// built offline are attempted (see TARGETS_OFFLINE). Arguments: --dir (unpacked only),
// --output DIR, and any further electron-builder arguments.
import { execFileSync, spawnSync } from 'node:child_process';
import { ensureElectron } from './electron-runtime.mjs';

/** Linux targets electron-builder builds without downloading its own tools (given a system 7-Zip). */
const TARGETS_OFFLINE = ['dir', 'tar.gz', 'zip'];
/** And why the others cannot be built on such a machine. */
const NOT_OFFLINE =
  'AppImage (electron-builder downloads appimagetool from GitHub), deb, rpm and pacman (they need fpm, which electron-builder downloads and Debian does not package), snap (needs snapcraft)';

const args = process.argv.slice(2);
const take = (flag) => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const dirOnly = args.includes('--dir');
if (dirOnly) args.splice(args.indexOf('--dir'), 1);
const output = take('--output');

const node = (script, ...rest) =>
  execFileSync(process.execPath, [script, ...rest], { stdio: 'inherit' });
node('scripts/build-cli.mjs');
node('node_modules/electron-vite/bin/electron-vite.js', 'build');

const electron = await ensureElectron();
const extra = [];
const env = { ...process.env };
if (output) extra.push(`--config.directories.output=${output}`);
if (!env.ELECTRON_BUILDER_7ZIP_PATH) {
  const sevenZip = ['7za', '7zz', '7z'].find((bin) => spawnSync('which', [bin]).status === 0);
  if (sevenZip)
    env.ELECTRON_BUILDER_7ZIP_PATH = spawnSync('which', [sevenZip]).stdout.toString().trim();
}
let targets = dirOnly ? ['dir'] : [];
if (electron.kind === 'assembled') {
  extra.push(
    `--config.electronDist=${electron.dist}`,
    `--config.electronVersion=${electron.version}`,
  );
  if (!dirOnly) {
    targets = env.ELECTRON_BUILDER_7ZIP_PATH ? TARGETS_OFFLINE : ['dir'];
    console.error(
      `dist: packaging on the Electron ${electron.version} test runtime (no official binary); for users, build with the official one.\n` +
        `dist: building ${targets.join(', ')}; not built here: ${NOT_OFFLINE}${env.ELECTRON_BUILDER_7ZIP_PATH ? '' : ', and tar.gz/zip (no 7-Zip: apt-get install 7zip)'}.`,
    );
  }
}
const builder = 'node_modules/electron-builder/cli.js';
const targetArgs = targets.length > 0 ? ['--linux', ...targets] : [];
const res = spawnSync(process.execPath, [builder, ...targetArgs, ...extra, ...args], {
  stdio: 'inherit',
  env,
});
process.exit(res.status ?? 1);
