// `npm start`: builds the app and opens it in Electron. Uses the official binary when the install
// downloaded it, and otherwise the Electron 33 runtime that electron-runtime.mjs assembles.
// Arguments after `--` go to the app (`npm start -- --hidden`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureElectron } from './electron-runtime.mjs';

const found = await ensureElectron().catch((err) => {
  console.error(`npm start: ${err.message}`);
  process.exit(1);
});
// electron-vite runs the binary it is given here (it reads no ELECTRON_OVERRIDE_DIST_PATH).
const env = { ...process.env, ELECTRON_EXEC_PATH: found.path };
if (found.kind === 'assembled') {
  console.error(`npm start: using the Electron ${found.version} test runtime in ${found.dist}`);
  env.ELECTRON_OVERRIDE_DIST_PATH = found.dist;
}
// Chromium refuses to run as root with its sandbox on.
if (process.getuid?.() === 0) env.NO_SANDBOX = '1';
const extra = process.argv.slice(2);
if (extra.length > 0) env.ELECTRON_CLI_ARGS = JSON.stringify(extra);
// Its package exports no bin path: name the file.
const cli = fileURLToPath(
  new URL('../node_modules/electron-vite/bin/electron-vite.js', import.meta.url),
);
const child = spawn(process.execPath, [cli, 'preview'], { stdio: 'inherit', env });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
