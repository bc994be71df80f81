/**
 * The only bridge between the page and the main process: `window.tunecamp`, exposing exactly the
 * contract's commands and events (never ipcRenderer itself).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { Api, CommandName, EventName } from '../shared/contract';
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  IPC_EVENT,
  IPC_INVOKE,
  IPC_SUBSCRIBE,
} from '../shared/contract';

type Reply = { ok: true; value: unknown } | { ok: false; error: string };

const commands: readonly string[] = COMMAND_NAMES;
const events: readonly string[] = EVENT_NAMES;

// One IPC listener for all subscriptions, so many components can listen without piling up.
const listeners = new Map<string, Set<(payload: never) => void>>();
ipcRenderer.on(IPC_EVENT, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  for (const fn of listeners.get(String(name)) ?? []) fn(payload as never);
});

/** What the page sees as `window.tunecamp`. */
export interface PreloadApi extends Api {
  /** The real path of a dropped file or folder (drag & drop into the window). */
  pathForFile(file: File): string;
}

const api: PreloadApi = {
  invoke: (async (name: CommandName, ...args: unknown[]) => {
    if (!commands.includes(name)) throw new Error(`unknown command "${String(name)}"`);
    const reply = (await ipcRenderer.invoke(IPC_INVOKE, name, args)) as Reply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  }) as Api['invoke'],
  on: (name: EventName, listener: (payload: never) => void) => {
    if (!events.includes(name)) throw new Error(`unknown event "${String(name)}"`);
    // A fresh wrapper per call, so subscribing the same function twice needs two unsubscribes.
    const fn = (payload: never) => listener(payload);
    const set = listeners.get(name) ?? new Set();
    // Main forwards (and the engine prepares) only the events a page listens to.
    if (set.size === 0) ipcRenderer.send(IPC_SUBSCRIBE, name, true);
    listeners.set(name, set.add(fn));
    return () => {
      if (set.delete(fn) && set.size === 0) ipcRenderer.send(IPC_SUBSCRIBE, name, false);
    };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('tunecamp', api);
