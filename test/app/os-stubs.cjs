// Loaded into the real app's main process with `-r` (see harness.ts), before the app itself. It
// stands in for what belongs to the operating system only, the native dialogs, and records what the
// main process reports as broken. Everything else in the app stays real.
//
// TCS_STUBS names a JSON file the test may rewrite at any time; it is read on every call:
//   { "openDialog": ["/path", ...] | null, "messageBox": 0 | 1 | ... }
// Calls are appended to <file>.calls and main-process errors to <file>.errors, one JSON per line.
'use strict';
const fs = require('node:fs');
const { dialog } = require('electron');

const file = process.env.TCS_STUBS;
if (!file) throw new Error('os-stubs.cjs needs TCS_STUBS');
const read = () => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
};
const note = (suffix, entry) =>
  fs.appendFileSync(`${file}.${suffix}`, `${JSON.stringify(entry)}\n`);
// The options are the last argument; the parent window, when given, comes first.
const optionsOf = (args) => args[args.length - 1] ?? {};

dialog.showOpenDialog = async (...args) => {
  const paths = read().openDialog ?? null;
  note('calls', { fn: 'showOpenDialog', title: optionsOf(args).title, answer: paths });
  return paths ? { canceled: false, filePaths: paths } : { canceled: true, filePaths: [] };
};
dialog.showMessageBox = async (...args) => {
  const opts = optionsOf(args);
  const response = read().messageBox ?? opts.cancelId ?? 0;
  note('calls', { fn: 'showMessageBox', message: opts.message, buttons: opts.buttons, response });
  return { response, checkboxChecked: false };
};
dialog.showErrorBox = (title, content) => {
  note('calls', { fn: 'showErrorBox', title, content });
  note('errors', { kind: 'showErrorBox', message: `${title}: ${content}` });
};

process.on('unhandledRejection', (reason) => {
  note('errors', { kind: 'unhandledRejection', message: String(reason?.stack ?? reason) });
});
process.on('uncaughtException', (err) => {
  note('errors', { kind: 'uncaughtException', message: String(err?.stack ?? err) });
});
