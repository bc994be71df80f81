// The default app of the Electron runtime assembled by scripts/electron-runtime.mjs, packed into its
// resources/default_app.asar. Like stock Electron's, it runs the app folder named on the command line
// (`electron [switches] [-r module] path/to/app`), taking the app's name and version from its
// package.json. It is an ES module that awaits the app's own import at top level: Electron holds
// the 'ready' event until an ES module entry has loaded, so the app's top-level code runs before
// ready, as it does in a packaged app (protocol.registerSchemesAsPrivileged needs that).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog } from 'electron';

const require = createRequire(import.meta.url);
const preload = [];
let target = null;
let printVersion = false;
const argv = process.argv.slice(1);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '-r' || arg === '--require') preload.push(argv[++i]);
  else if (arg === '-v' || arg === '--version') printVersion = true;
  else if (arg.startsWith('--app=')) target = arg.slice('--app='.length);
  else if (arg.startsWith('-')) continue;
  else target = arg;
  if (target) break;
}

function fail(message) {
  console.error(`Error launching app: ${message}`);
  if (app.isReady()) dialog.showErrorBox('Error launching app', message);
  process.exit(1);
}

if (printVersion && !target) {
  console.log(`v${process.versions.electron}`);
  process.exit(0);
}
if (!target) fail('no app folder given: electron [switches] path/to/app');

// Playwright's Electron support passes its loader this way.
for (const mod of preload) require(path.resolve(mod));

const given = path.resolve(target);
const isDir = fs.statSync(given, { throwIfNoEntry: false })?.isDirectory() ?? false;
const appDir = isDir ? given : path.dirname(given);
let pkg = {};
const pkgFile = path.join(appDir, 'package.json');
try {
  if (fs.existsSync(pkgFile)) pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
} catch (err) {
  fail(`cannot read ${pkgFile}: ${err.message}`);
}
Object.defineProperty(process, 'defaultApp', { value: true, enumerable: true });
if (pkg.version) app.setVersion(pkg.version);
if (pkg.productName || pkg.name) app.setName(pkg.productName || pkg.name);
// As stock Electron does for a packaged app: the data folders follow the app's name.
app.setPath('userData', path.join(app.getPath('appData'), app.getName()));
app.setAppPath(appDir);
const mainFile = isDir ? path.join(appDir, pkg.main || 'index.js') : given;
if (!fs.existsSync(mainFile)) fail(`${mainFile} does not exist (build the app first)`);

try {
  await import(pathToFileURL(mainFile).href);
} catch (err) {
  console.error('App threw an error during load');
  console.error(err?.stack ?? err);
  process.exit(1);
}
