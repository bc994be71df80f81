import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT, IPC_INVOKE, IPC_SUBSCRIBE } from '../../src/shared/contract';
import type { PreloadApi } from '../../src/preload/index';

// The Electron binary cannot run here: contextBridge and ipcRenderer are replaced at the edge.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  sent: [] as unknown[][],
  reply: { ok: true, value: 'v' } as unknown,
  onEvent: null as null | ((...a: unknown[]) => void),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => electron.exposed.set(k, v) },
  ipcRenderer: {
    invoke: async (...a: unknown[]) => (electron.invoked.push(a), electron.reply),
    send: (...a: unknown[]) => electron.sent.push(a),
    on: (ch: string, fn: (...a: unknown[]) => void) => {
      if (ch === IPC_EVENT) electron.onEvent = fn;
    },
  },
  webUtils: { getPathForFile: (f: { name: string }) => `/dropped/${f.name}` },
}));

await import('../../src/preload/index');
const api = electron.exposed.get('tunecamp') as PreloadApi;

describe('preload', () => {
  it('exposes only invoke, on and pathForFile', () => {
    expect([...electron.exposed.keys()]).toEqual(['tunecamp']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'pathForFile']);
  });

  it('sends known commands and unwraps the reply', async () => {
    electron.reply = { ok: true, value: ['x'] };
    expect(await api.invoke('addFolders', ['/m'])).toEqual(['x']);
    expect(electron.invoked.at(-1)).toEqual([IPC_INVOKE, 'addFolders', [['/m']]]);
  });

  it('rejects with the main process message', async () => {
    electron.reply = { ok: false, error: 'setPaused: paused must be true or false' };
    await expect(api.invoke('setPaused', true)).rejects.toThrow('paused must be true or false');
  });

  it('rejects unknown commands without sending them', async () => {
    const before = electron.invoked.length;
    const invoke = api.invoke as (name: string) => Promise<unknown>;
    await expect(invoke('shell')).rejects.toThrow('unknown command "shell"');
    expect(electron.invoked.length).toBe(before);
  });

  it('delivers only the subscribed event and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('activity', (a) => got.push(a));
    electron.onEvent?.({}, 'activity', { message: 'one' });
    electron.onEvent?.({}, 'connection', { state: 'connected' });
    off();
    electron.onEvent?.({}, 'activity', { message: 'two' });
    expect(got).toEqual([{ message: 'one' }]);
    expect(() => api.on('ipc' as never, () => {})).toThrow('unknown event "ipc"');
  });

  it('tells main when the page starts and stops listening to an event, once per name', () => {
    electron.sent.length = 0;
    const offA = api.on('tracks', () => {});
    const offB = api.on('tracks', () => {});
    expect(electron.sent).toEqual([[IPC_SUBSCRIBE, 'tracks', true]]);
    offA();
    offA();
    expect(electron.sent).toHaveLength(1);
    offB();
    expect(electron.sent).toEqual([
      [IPC_SUBSCRIBE, 'tracks', true],
      [IPC_SUBSCRIBE, 'tracks', false],
    ]);
  });

  it('resolves dropped files to paths', () => {
    expect(api.pathForFile({ name: 'song.flac' } as File)).toBe('/dropped/song.flac');
  });
});
