import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/shared/contract';
import type { TrayState } from '../../src/main/electron/tray-menu';
import { buildTrayMenu, trayIconState, trayTooltip } from '../../src/main/electron/tray-menu';

const conn = (state: ConnectionStatus['state'], problem?: ConnectionStatus['problem']) =>
  ({ state, since: 0, publishedTracks: 0, ...(problem ? { problem } : {}) }) as ConnectionStatus;

const base: TrayState = {
  connection: conn('connected'),
  trackCount: 12408,
  activeTransfers: 0,
  paused: false,
  autostart: false,
  configured: true,
};
const st = (patch: Partial<TrayState>): TrayState => ({ ...base, ...patch });

describe('trayIconState', () => {
  it('maps each state to its icon', () => {
    expect(trayIconState(st({ configured: false, connection: conn('not-configured') }))).toBe(
      'idle',
    );
    expect(trayIconState(st({ connection: conn('connecting') }))).toBe('connecting');
    expect(trayIconState(st({}))).toBe('sharing');
    expect(trayIconState(st({ activeTransfers: 2 }))).toBe('transferring');
    expect(trayIconState(st({ paused: true, connection: conn('paused') }))).toBe('paused');
    expect(trayIconState(st({ connection: conn('stopped') }))).toBe('error');
  });

  it('shows a routine retry as connecting but a rejected token as an error', () => {
    const net = { code: 'unreachable' as const, message: 'Server unreachable' };
    const auth = { code: 'unauthorized' as const, message: 'Token rejected (401)', status: 401 };
    expect(trayIconState(st({ connection: conn('waiting', net) }))).toBe('connecting');
    expect(trayIconState(st({ connection: conn('waiting', auth) }))).toBe('error');
  });
});

describe('trayTooltip', () => {
  it('counts tracks and listeners with grouping', () => {
    expect(trayTooltip(st({ activeTransfers: 2 }))).toBe(
      'tunecamp-share: sharing 12,408 tracks, 2 listening',
    );
    expect(trayTooltip(st({}))).toBe('tunecamp-share: sharing 12,408 tracks');
    expect(trayTooltip(st({ trackCount: 1 }))).toBe('tunecamp-share: sharing 1 track');
  });

  it('describes the other states', () => {
    expect(trayTooltip(st({ paused: true }))).toBe('tunecamp-share: sharing paused');
    expect(trayTooltip(st({ configured: false }))).toBe('tunecamp-share: not set up');
    expect(trayTooltip(st({ connection: conn('connecting') }))).toBe('tunecamp-share: connecting…');
    expect(
      trayTooltip(
        st({ connection: conn('stopped', { code: 'forbidden', message: 'Sharing not allowed' }) }),
      ),
    ).toBe('tunecamp-share: not sharing: Sharing not allowed');
  });

  it('stays within the 127 characters Windows shows', () => {
    const long = { code: 'server-error' as const, message: 'x'.repeat(300) };
    const t = trayTooltip(st({ connection: conn('stopped', long) }));
    expect(t.length).toBe(127);
    expect(t.endsWith('…')).toBe(true);
  });
});

describe('buildTrayMenu', () => {
  it('starts with a disabled status line and has every action', () => {
    const menu = buildTrayMenu(st({ activeTransfers: 2 }));
    expect(menu[0]).toEqual({
      type: 'normal',
      label: 'Sharing 12,408 tracks, 2 listening',
      enabled: false,
    });
    expect(menu.filter((i) => i.id).map((i) => i.id)).toEqual([
      'toggle-pause',
      'open',
      'add-folder',
      'toggle-autostart',
      'quit',
    ]);
    expect(menu.at(-1)).toMatchObject({ id: 'quit', label: 'Quit' });
  });

  it('offers Pause while sharing and Resume while paused', () => {
    const pause = buildTrayMenu(st({})).find((i) => i.id === 'toggle-pause');
    const resume = buildTrayMenu(st({ paused: true })).find((i) => i.id === 'toggle-pause');
    expect(pause?.label).toBe('Pause sharing');
    expect(resume?.label).toBe('Resume sharing');
  });

  it('disables Pause until configured, and reflects autostart in the checkbox', () => {
    const menu = buildTrayMenu(st({ configured: false, autostart: true }));
    expect(menu[0]?.label).toBe('Not set up');
    expect(menu.find((i) => i.id === 'toggle-pause')?.enabled).toBe(false);
    expect(menu.find((i) => i.id === 'toggle-autostart')).toMatchObject({
      type: 'checkbox',
      checked: true,
    });
    const off = buildTrayMenu(st({ autostart: false })).find((i) => i.id === 'toggle-autostart');
    expect(off?.checked).toBe(false);
  });

  it('says when it is offline and retrying', () => {
    const menu = buildTrayMenu(
      st({ connection: conn('waiting', { code: 'unreachable', message: 'x' }) }),
    );
    expect(menu[0]?.label).toBe('Offline, retrying');
  });
});
