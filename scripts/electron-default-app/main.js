// The default app of the Electron runtime assembled by scripts/electron-runtime.mjs, packed into its
// resources/default_app.asar. Like stock Electron's, it runs the app folder named on the command line
// (`electron [switches] [-r module] path/to/app`), taking the app's name and version from its
// package.json. Unlike the stock one it loads the main file with import(), since ours is an ES module.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { app, dialog } = require('electron');

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

const appDir = path.resolve(target);
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
const mainFile = fs.statSync(appDir, { throwIfNoEntry: false })?.isDirectory()
  ? path.join(appDir, pkg.main || 'index.js')
  : appDir;
app.setAppPath(
  fs.statSync(appDir, { throwIfNoEntry: false })?.isDirectory() ? appDir : path.dirname(appDir),
);
if (!fs.existsSync(mainFile)) fail(`${mainFile} does not exist (build the app first)`);

import(pathToFileURL(mainFile).href).catch((err) => {
  console.error('App threw an error during load');
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
