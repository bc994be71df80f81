import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Api, ConnectionStatus, Settings } from '../../src/shared/contract';
import type { SettingsStore } from '../../src/main/core/settings/store';

// The Electron binary cannot run here: Tray, Menu and nativeImage are recorded at the module edge.
const electron = vi.hoisted(() => ({
  trays: [] as {
    image: string;
    tooltip: string;
    menus: unknown[][];
    handlers: Map<string, () => void>;
    destroyed: boolean;
  }[],
}));
vi.mock('electron', () => ({
  nativeImage: {
    createFromPath: (p: string) => ({ path: p, setTemplateImage: () => undefined }),
  },
  Menu: { buildFromTemplate: (items: unknown[]) => items },
  Tray: class {
    state = {
      image: '',
      tooltip: '',
      menus: [] as unknown[][],
      handlers: new Map(),
      destroyed: false,
    };
    constructor(img: { path: string }) {
      this.state.image = img.path;
      electron.trays.push(this.state);
    }
    setImage(img: { path: string }) {
      this.state.image = img.path;
    }
    setToolTip(t: string) {
      this.state.tooltip = t;
    }
    setContextMenu(m: unknown[]) {
      this.state.menus.push(m);
    }
    on(ev: string, fn: () => void) {
      this.state.handlers.set(ev, fn);
    }
    destroy() {
      this.state.destroyed = true;
    }
  },
}));

const { createTray } = await import('../../src/main/electron/tray');

const status = (state: ConnectionStatus['state'], publishedTracks = 0): ConnectionStatus => ({
  state,
  since: 0,
  publishedTracks,
});

function fakes() {
  const events = new EventEmitter();
  const settingsEvents = new EventEmitter();
  let settings = { paused: false, autostart: true } as Settings;
  const engine = {
    invoke: async () => ({ connection: status('connecting'), totals: { active: 0 } }),
    on: (name: string, fn: (p: unknown) => void) => {
      events.on(name, fn);
      return () => events.off(name, fn);
    },
  } as unknown as Api;
  const store = {
    get: () => settings,
    on: (_e: 'change', fn: (s: Settings) => void) => {
      settingsEvents.on('change', fn);
      return () => settingsEvents.off('change', fn);
    },
  } as unknown as SettingsStore;
  const change = (patch: Partial<Settings>) => {
    settings = { ...settings, ...patch };
    settingsEvents.emit('change', settings);
  };
  return { engine, store, events, change, listeners: () => events.listenerCount('connection') };
}

describe('createTray', () => {
  it('follows the engine: icon, tooltip and menu, rebuilt only on change', async () => {
    const f = fakes();
    const clicked: string[] = [];
    const actions = {
      'toggle-pause': () => clicked.push('toggle-pause'),
      open: () => clicked.push('open'),
      'add-folder': () => clicked.push('add-folder'),
      'toggle-autostart': () => clicked.push('toggle-autostart'),
      quit: () => clicked.push('quit'),
    };
    const remove = await createTray({
      engine: f.engine,
      settings: f.store,
      assetsDir: '/a',
      actions,
    });
    const tray = electron.trays.at(-1)!;
    const mac = process.platform === 'darwin';
    expect(tray.image).toBe(mac ? '/a/trayTemplate.png' : '/a/tray-connecting.png');
    expect(tray.tooltip).toBe('tunecamp-share: connecting…');
    expect(tray.menus).toHaveLength(1);

    f.events.emit('connection', status('connected', 3));
    f.events.emit('transfers', { transfers: [], totals: { active: 1 } });
    expect(tray.tooltip).toBe('tunecamp-share: sharing 3 tracks, 1 listening');
    if (!mac) expect(tray.image).toBe('/a/tray-transferring.png');
    const menus = tray.menus.length;
    // The same state again (a rate update) does not rebuild the native menu.
    f.events.emit('transfers', { transfers: [], totals: { active: 1 } });
    expect(tray.menus.length).toBe(menus);

    f.change({ paused: true });
    const menu = tray.menus.at(-1) as { label?: string; click?: () => void }[];
    const pause = menu.find((i) => i.label === 'Resume sharing');
    pause?.click?.();
    menu.find((i) => i.label === 'Quit')?.click?.();
    tray.handlers.get('click')?.();
    expect(clicked).toEqual(['toggle-pause', 'quit', 'open']);

    remove();
    expect(tray.destroyed).toBe(true);
    expect(f.listeners()).toBe(0);
  });
});
