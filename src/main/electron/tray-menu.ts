/**
 * What the tray shows, as pure functions of the app's state: the menu template, the icon state
 * and the tooltip. tray.ts turns these plain objects into Electron objects.
 */
import type { ConnectionStatus } from '../../shared/contract';

/** Everything the tray depends on. */
export interface TrayState {
  connection: ConnectionStatus;
  trackCount: number;
  activeTransfers: number;
  paused: boolean;
  autostart: boolean;
  /** Server and token are set. */
  configured: boolean;
}

/** Actions a menu item can trigger; tray.ts maps each to a handler. */
export type TrayAction = 'toggle-pause' | 'open' | 'add-folder' | 'toggle-autostart' | 'quit';

/** Our own plain menu item (a subset of Electron's MenuItemConstructorOptions). */
export interface MenuItemTemplate {
  type: 'normal' | 'checkbox' | 'separator';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  id?: TrayAction;
}

/** The icon variants in assets/ (tray-STATE.png). */
export type TrayIconState = 'idle' | 'connecting' | 'sharing' | 'transferring' | 'paused' | 'error';

const count = (n: number) => Math.max(0, Math.floor(n)).toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** Problems the app cannot get past by retrying: shown as an error until the user acts. */
const NEEDS_USER = new Set(['unauthorized', 'forbidden', 'conflict', 'not-tunecamp']);

/** Picks the tray icon for a state. */
export function trayIconState(s: TrayState): TrayIconState {
  if (!s.configured || s.connection.state === 'not-configured') return 'idle';
  if (s.paused || s.connection.state === 'paused') return 'paused';
  switch (s.connection.state) {
    case 'connected':
      return s.activeTransfers > 0 ? 'transferring' : 'sharing';
    case 'stopped':
      return 'error';
    case 'waiting':
      return s.connection.problem && NEEDS_USER.has(s.connection.problem.code)
        ? 'error'
        : 'connecting';
    default:
      return 'connecting';
  }
}

/** One short line describing the state, used by the menu's status item and the tooltip. */
export function statusLine(s: TrayState): string {
  const icon = trayIconState(s);
  switch (icon) {
    case 'idle':
      return 'not set up';
    case 'paused':
      return 'sharing paused';
    case 'sharing':
    case 'transferring': {
      const tracks = `sharing ${plural(s.trackCount, 'track', 'tracks')}`;
      return s.activeTransfers > 0 ? `${tracks}, ${count(s.activeTransfers)} listening` : tracks;
    }
    case 'error':
      return `not sharing: ${s.connection.problem?.message ?? 'stopped'}`;
    default:
      return s.connection.state === 'waiting' ? 'offline, retrying' : 'connecting…';
  }
}

/** Windows truncates tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

/** The tooltip, e.g. "tunecamp-share: sharing 12,408 tracks, 2 listening". */
export function trayTooltip(s: TrayState): string {
  const text = `tunecamp-share: ${statusLine(s)}`;
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

/** The tray menu: a disabled status line, then the actions. */
export function buildTrayMenu(s: TrayState): MenuItemTemplate[] {
  const status = statusLine(s);
  return [
    { type: 'normal', label: status.charAt(0).toUpperCase() + status.slice(1), enabled: false },
    { type: 'separator' },
    {
      type: 'normal',
      id: 'toggle-pause',
      label: s.paused ? 'Resume sharing' : 'Pause sharing',
      // Nothing to pause before a server is set up.
      enabled: s.configured,
    },
    { type: 'normal', id: 'open', label: 'Open tunecamp-share', enabled: true },
    { type: 'normal', id: 'add-folder', label: 'Add folder…', enabled: true },
    { type: 'separator' },
    {
      type: 'checkbox',
      id: 'toggle-autostart',
      label: 'Start at login',
      checked: s.autostart,
      enabled: true,
    },
    { type: 'separator' },
    { type: 'normal', id: 'quit', label: 'Quit', enabled: true },
  ];
}
