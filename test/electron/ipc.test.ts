import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src/shared/contract';
import { IPC_EVENT, IPC_INVOKE, IPC_SUBSCRIBE } from '../../src/shared/contract';
import { silentLogger } from '../../src/main/core/logger';

// The Electron binary cannot run here: ipcMain and shell are replaced at the module edge.
const electron = vi.hoisted(() => ({
  handlers: new Map<string, (...a: unknown[]) => unknown>(),
  on: new Map<string, (...a: unknown[]) => unknown>(),
  opened: [] as string[],
}));
vi.mock('electron', () => ({
  ipcMain: {
    handle: (ch: string, fn: (...a: unknown[]) => unknown) => electron.handlers.set(ch, fn),
    removeHandler: (ch: string) => electron.handlers.delete(ch),
    on: (ch: string, fn: (...a: unknown[]) => unknown) => electron.on.set(ch, fn),
    removeListener: (ch: string) => electron.on.delete(ch),
  },
  shell: {
    openPath: async (p: string) => (electron.opened.push(p), ''),
  },
}));

const { registerIpc } = await import('../../src/main/electron/ipc');

const page = pathToFileURL('/app/out/renderer/index.html').href;

function setup() {
  const calls: unknown[][] = [];
  const listeners = new Map<string, (p: unknown) => void>();
  // A class method, as Engine.invoke is: it needs its `this`.
  const engine = {
    prefix: '',
    async invoke(this: { prefix: string }, name: string, ...args: unknown[]) {
      calls.push([`${this.prefix}${name}`, ...args]);
      if (name === 'setPaused') throw new Error('Cannot pause now');
      return { name };
    },
    on: (name: string, fn: (p: unknown) => void) => {
      listeners.set(name, fn);
      return () => listeners.delete(name);
    },
  } as unknown as Api;
  const mainFrame = { url: page };
  const sent: unknown[][] = [];
  const webContents = { mainFrame, send: (...a: unknown[]) => sent.push(a) };
  const window = { isDestroyed: () => false, webContents };
  const bridge = registerIpc({
    engine,
    window: () => window as never,
    trusted: { file: page },
    logsDir: '/logs',
    pickFolders: async () => ['/picked'],
    log: silentLogger,
  });
  const handler = electron.handlers.get(IPC_INVOKE)!;
  const call = (name: unknown, args: unknown, from: { sender?: unknown; frame?: unknown } = {}) =>
    handler(
      {
        sender: from.sender ?? webContents,
        senderFrame: from.frame === undefined ? mainFrame : from.frame,
      },
      name,
      args,
    );
  const subscribe = (name: string, on: boolean, sender: unknown = webContents) =>
    electron.on.get(IPC_SUBSCRIBE)!({ sender, senderFrame: mainFrame }, name, on);
  return { calls, listeners, sent, call, bridge, subscribe, webContents, mainFrame };
}

beforeEach(() => {
  electron.handlers.clear();
  electron.opened.length = 0;
});

describe('registerIpc', () => {
  it('forwards a valid call from our page to the engine', async () => {
    const s = setup();
    expect(await s.call('rescan', [null])).toEqual({ ok: true, value: { name: 'rescan' } });
    expect(s.calls).toEqual([['rescan', null]]);
  });

  it('refuses other windows, subframes, foreign pages and detached frames', async () => {
    const s = setup();
    const refused = { ok: false, error: 'This page may not control tunecamp-share.' };
    expect(await s.call('getSnapshot', [], { sender: {} })).toEqual(refused);
    expect(await s.call('getSnapshot', [], { frame: { url: page } })).toEqual(refused);
    s.mainFrame.url = 'https://evil.example/';
    expect(await s.call('getSnapshot', [])).toEqual(refused);
    expect(await s.call('getSnapshot', [], { frame: null })).toEqual(refused);
    expect(s.calls).toEqual([]);
  });

  it('refuses invalid arguments and unknown commands with a message', async () => {
    const s = setup();
    expect(await s.call('addFolders', [['relative']])).toEqual({
      ok: false,
      error: 'addFolders: folders[0] must be an absolute path',
    });
    expect(await s.call('eval', [])).toEqual({ ok: false, error: 'unknown command "eval"' });
    expect(s.calls).toEqual([]);
  });

  it('turns engine errors into messages', async () => {
    const s = setup();
    expect(await s.call('setPaused', [true])).toEqual({ ok: false, error: 'Cannot pause now' });
  });

  it('answers pickFolders with the native picker and openLogs by opening the folder', async () => {
    const s = setup();
    expect(await s.call('pickFolders', [])).toEqual({ ok: true, value: ['/picked'] });
    expect(await s.call('openLogs', [])).toEqual({ ok: true, value: '/logs' });
    expect(electron.opened).toEqual(['/logs']);
    expect(s.calls).toEqual([]);
  });

  it('forwards only the events the page subscribed to, until it leaves', () => {
    const s = setup();
    expect(s.listeners.size).toBe(0);
    s.subscribe('activity', true);
    s.subscribe('nonsense', true);
    s.subscribe('tracks', true, {}); // another window
    expect([...s.listeners.keys()]).toEqual(['activity']);
    s.listeners.get('activity')?.({ at: 1, level: 'info', message: 'hi' });
    expect(s.sent).toEqual([[IPC_EVENT, 'activity', { at: 1, level: 'info', message: 'hi' }]]);
    s.subscribe('activity', false);
    expect(s.listeners.size).toBe(0);
    s.subscribe('tracks', true);
    s.bridge.pageGone();
    expect(s.listeners.size).toBe(0);
  });

  it('stops everything on dispose', () => {
    const s = setup();
    s.subscribe('folders', true);
    s.bridge.dispose();
    expect(s.listeners.size).toBe(0);
    expect(electron.handlers.has(IPC_INVOKE)).toBe(false);
    expect(electron.on.has(IPC_SUBSCRIBE)).toBe(false);
  });
});
