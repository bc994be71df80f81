/**
 * The tray icon and its menu, kept in step with the engine's events. Every decision (labels,
 * icon, tooltip) lives in tray-menu.ts; this file only turns it into Electron objects.
 */
import path from 'node:path';
import type { NativeImage } from 'electron';
import { Menu, Tray, nativeImage } from 'electron';
import type { Api, ConnectionStatus } from '../../shared/contract';
import type { SettingsStore } from '../core/settings/store';
import type { MenuItemTemplate, TrayAction, TrayIconState, TrayState } from './tray-menu';
import { buildTrayMenu, trayIconState, trayTooltip } from './tray-menu';

export interface TrayOptions {
  engine: Api;
  settings: SettingsStore;
  /** The folder holding tray-STATE.png and trayTemplate.png. */
  assetsDir: string;
  actions: Record<TrayAction, () => void>;
}

/** Loads the icon for a state; macOS uses one monochrome template image the OS tints itself. */
function iconFor(dir: string, state: TrayIconState, cache: Map<string, NativeImage>): NativeImage {
  const mac = process.platform === 'darwin';
  const file = path.join(dir, mac ? 'trayTemplate.png' : `tray-${state}.png`);
  let image = cache.get(file);
  if (!image) {
    // The @2x sibling is picked up automatically for HiDPI screens.
    image = nativeImage.createFromPath(file);
    if (mac) image.setTemplateImage(true);
    cache.set(file, image);
  }
  return image;
}

function toElectron(items: MenuItemTemplate[], actions: TrayOptions['actions']) {
  return items.map((item) => ({
    type: item.type,
    label: item.label,
    enabled: item.enabled,
    checked: item.checked,
    click: item.id ? actions[item.id] : undefined,
  }));
}

/** Creates the tray and keeps it current; returns a function that removes it. */
export async function createTray(opts: TrayOptions): Promise<() => void> {
  const images = new Map<string, NativeImage>();
  const snapshot = await opts.engine.invoke('getSnapshot');
  let connection: ConnectionStatus = snapshot.connection;
  let activeTransfers = snapshot.totals.active;
  const tray = new Tray(iconFor(opts.assetsDir, 'idle', images));

  const state = (): TrayState => {
    const s = opts.settings.get();
    return {
      connection,
      // What the server really holds: the tracks in the manifest sent on this session.
      trackCount: connection.publishedTracks,
      activeTransfers,
      paused: s.paused,
      autostart: s.autostart,
      configured: connection.state !== 'not-configured',
    };
  };

  let lastMenu = '';
  let lastIcon: TrayIconState | null = null;
  let lastTooltip = '';
  const render = () => {
    const st = state();
    const menu = buildTrayMenu(st);
    const key = JSON.stringify(menu);
    // Transfer events arrive several times a second: rebuild the native menu only when it changed.
    if (key !== lastMenu) {
      lastMenu = key;
      tray.setContextMenu(Menu.buildFromTemplate(toElectron(menu, opts.actions)));
    }
    const icon = trayIconState(st);
    if (icon !== lastIcon) {
      lastIcon = icon;
      tray.setImage(iconFor(opts.assetsDir, icon, images));
    }
    // Only on change: on Linux every setToolTip rebuilds the exported D-Bus menu with new item
    // ids, and transfer events come several times a second (a click could hit a vanished id).
    const tip = trayTooltip(st);
    if (tip !== lastTooltip) {
      lastTooltip = tip;
      tray.setToolTip(tip);
    }
  };

  // Windows and macOS report clicks on the icon; Linux indicators only show the menu.
  tray.on('click', () => opts.actions.open());
  const offs = [
    opts.engine.on('connection', (c) => {
      connection = c;
      render();
    }),
    opts.engine.on('transfers', ({ totals }) => {
      activeTransfers = totals.active;
      render();
    }),
    opts.settings.on('change', () => render()),
  ];
  render();

  return () => {
    for (const off of offs) off();
    tray.destroy();
  };
}
