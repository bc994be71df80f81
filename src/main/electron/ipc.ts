/**
 * The one IPC handler between the renderer and the engine. Every call is checked for its sender
 * (our window, our page) and its arguments (validateCall) before the engine sees it.
 */
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { ipcMain, shell } from 'electron';
import type { Api } from '../../shared/contract';
import { EVENT_NAMES, IPC_EVENT, IPC_INVOKE } from '../../shared/contract';
import { validateCall } from '../../shared/validate';
import type { Logger } from '../core/logger';
import type { TrustedPage } from './ipc-guard';
import { isTrustedSender } from './ipc-guard';

/** What crosses back to the preload; it turns `ok: false` into a rejected promise. */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: string };

export interface IpcOptions {
  engine: Api;
  window: BrowserWindow;
  trusted: TrustedPage;
  /** Opened by openLogs. */
  logsDir: string;
  /** The native folder picker (dialogs.ts). */
  pickFolders: () => Promise<string[]>;
  log: Logger;
}

function fromOurPage(event: IpcMainInvokeEvent, opts: IpcOptions): boolean {
  const frame = event.senderFrame;
  // Only the main frame of our own window: not another window, not an iframe, not a stale frame.
  return (
    !opts.window.isDestroyed() &&
    event.sender === opts.window.webContents &&
    frame !== null &&
    frame === opts.window.webContents.mainFrame &&
    isTrustedSender(frame.url, opts.trusted)
  );
}

/** Registers the handler and the event forwarding; returns a function that removes both. */
export function registerIpc(opts: IpcOptions): () => void {
  // Bound: Engine.invoke is a method, and a bare reference to it loses its `this`.
  const invoke = opts.engine.invoke.bind(opts.engine) as (
    name: string,
    ...args: unknown[]
  ) => Promise<unknown>;

  ipcMain.handle(IPC_INVOKE, async (event, name: unknown, args: unknown): Promise<IpcReply> => {
    if (!fromOurPage(event, opts)) {
      opts.log.warn(
        `Refused an IPC call from an untrusted frame (${event.senderFrame?.url ?? 'gone'}).`,
      );
      return { ok: false, error: 'This page may not control tunecamp-share.' };
    }
    const call = validateCall(name, args);
    if (!call.ok) return { ok: false, error: call.error };
    try {
      if (call.name === 'pickFolders') return { ok: true, value: await opts.pickFolders() };
      if (call.name === 'openLogs') {
        const problem = await shell.openPath(opts.logsDir);
        if (problem) return { ok: false, error: `Could not open ${opts.logsDir}: ${problem}` };
        return { ok: true, value: opts.logsDir };
      }
      return { ok: true, value: await invoke(call.name, ...call.args) };
    } catch (err) {
      // The message only: stack traces describe our internals, not what the user should do.
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  });

  const unsubscribe = EVENT_NAMES.map((name) =>
    opts.engine.on(name, (payload) => {
      if (!opts.window.isDestroyed()) opts.window.webContents.send(IPC_EVENT, name, payload);
    }),
  );

  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    for (const off of unsubscribe) off();
  };
}
