/**
 * The one IPC handler between the renderer and the engine. Every call is checked for its sender
 * (our window, our page) and its arguments (validateCall) before the engine sees it. Events go to
 * the page only while it listens: with no page listening (the window closed), the engine does no
 * work for a window at all (it builds track views only for listeners).
 */
import type { BrowserWindow, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { ipcMain, shell } from 'electron';
import type { Api, EventName } from '../../shared/contract';
import { EVENT_NAMES, IPC_EVENT, IPC_INVOKE, IPC_SUBSCRIBE } from '../../shared/contract';
import { validateCall } from '../../shared/validate';
import type { Logger } from '../core/logger';
import type { TrustedPage } from './ipc-guard';
import { isTrustedSender } from './ipc-guard';

/** What crosses back to the preload; it turns `ok: false` into a rejected promise. */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: string };

export interface IpcOptions {
  engine: Api;
  /** The window while it exists (closing it destroys it). */
  window: () => BrowserWindow | null;
  trusted: TrustedPage;
  /** Opened by openLogs. */
  logsDir: string;
  /** The native folder picker (dialogs.ts). */
  pickFolders: () => Promise<string[]>;
  log: Logger;
}

function fromOurPage(event: IpcMainInvokeEvent | IpcMainEvent, opts: IpcOptions): boolean {
  const frame = event.senderFrame;
  const win = opts.window();
  // Only the main frame of our own window: not another window, not an iframe, not a stale frame.
  return (
    !!win &&
    !win.isDestroyed() &&
    event.sender === win.webContents &&
    frame !== null &&
    frame === win.webContents.mainFrame &&
    isTrustedSender(frame.url, opts.trusted)
  );
}

/** The IPC bridge; `pageGone` drops the page's subscriptions (its window closed or reloaded). */
export interface IpcBridge {
  pageGone(): void;
  dispose(): void;
}

/** Registers the handlers; events flow as the page subscribes (IPC_SUBSCRIBE). */
export function registerIpc(opts: IpcOptions): IpcBridge {
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

  // The page's subscriptions: event name → the engine's unsubscribe.
  const subscribed = new Map<EventName, () => void>();
  const events: readonly string[] = EVENT_NAMES;
  const onSubscribe = (event: IpcMainEvent, name: unknown, on: unknown) => {
    if (!fromOurPage(event, opts) || typeof name !== 'string' || !events.includes(name)) return;
    const eventName = name as EventName;
    if (on === true && !subscribed.has(eventName)) {
      const off = opts.engine.on(eventName, (payload) => {
        const win = opts.window();
        if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, eventName, payload);
      });
      subscribed.set(eventName, off);
    } else if (on === false) {
      subscribed.get(eventName)?.();
      subscribed.delete(eventName);
    }
  };
  ipcMain.on(IPC_SUBSCRIBE, onSubscribe);
  const pageGone = () => {
    for (const off of subscribed.values()) off();
    subscribed.clear();
  };

  return {
    pageGone,
    dispose: () => {
      ipcMain.removeHandler(IPC_INVOKE);
      ipcMain.removeListener(IPC_SUBSCRIBE, onSubscribe);
      pageGone();
    },
  };
}
