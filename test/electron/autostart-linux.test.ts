import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyAutostartFile,
  autostartPath,
  configHome,
  quoteExecArg,
  renderDesktopEntry,
} from '../../src/main/electron/autostart-linux';

const execLine = (entry: string) => entry.split('\n').find((l) => l.startsWith('Exec='));

describe('renderDesktopEntry', () => {
  it('launches the installed binary hidden', () => {
    const entry = renderDesktopEntry({
      execPath: '/opt/tunecamp-share/tunecamp-share',
      args: ['--hidden'],
    });
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(execLine(entry)).toBe('Exec=/opt/tunecamp-share/tunecamp-share --hidden');
    for (const line of [
      'Type=Application',
      'Name=tunecamp-share',
      'Icon=tunecamp-share',
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
    ]) {
      expect(entry.split('\n')).toContain(line);
    }
    expect(entry).toMatch(/^Comment=.+$/m);
    expect(entry.endsWith('\n')).toBe(true);
  });

  it('launches the AppImage, not the temporary mount, when there is one', () => {
    const entry = renderDesktopEntry({
      execPath: '/tmp/.mount_tunecaXYZ/tunecamp-share',
      appImagePath: '/home/ann/Apps/tunecamp-share.AppImage',
      args: ['--hidden'],
    });
    expect(execLine(entry)).toBe('Exec=/home/ann/Apps/tunecamp-share.AppImage --hidden');
    expect(entry).not.toContain('.mount_');
  });

  it('quotes paths with spaces and escapes per the XDG rules', () => {
    const entry = renderDesktopEntry({
      execPath: '/x',
      appImagePath: '/home/ann/My Apps/tunecamp share.AppImage',
      args: ['--hidden'],
    });
    expect(execLine(entry)).toBe('Exec="/home/ann/My Apps/tunecamp share.AppImage" --hidden');
  });

  it('escapes quotes, dollars, percent signs and backslashes', () => {
    expect(quoteExecArg('plain')).toBe('plain');
    expect(quoteExecArg('')).toBe('""');
    expect(quoteExecArg('a "b"')).toBe('"a \\"b\\""');
    expect(quoteExecArg('$HOME')).toBe('"\\$HOME"');
    expect(quoteExecArg('100%')).toBe('100%%');
    // A backslash is escaped for the quoting, then again for the string value: four in the file.
    const entry = renderDesktopEntry({ execPath: '/opt/a\\b', args: [] });
    expect(execLine(entry)).toBe('Exec="/opt/a\\\\\\\\b"');
  });
});

describe('autostart paths', () => {
  it('uses XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(configHome({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg');
    expect(configHome({ XDG_CONFIG_HOME: 'rel' }, '/home/ann')).toBe('/home/ann/.config');
    expect(configHome({}, '/home/ann')).toBe('/home/ann/.config');
    expect(autostartPath('/home/ann/.config')).toBe(
      '/home/ann/.config/autostart/tunecamp-share.desktop',
    );
  });
});

describe('applyAutostartFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'autostart-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the entry (creating the folder), replaces it, and removes it', async () => {
    const file = autostartPath(dir);
    await applyAutostartFile(file, 'one');
    expect(await readFile(file, 'utf8')).toBe('one');
    expect((await stat(file)).mode & 0o022).toBe(0);
    await applyAutostartFile(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(path.dirname(file))).toEqual(['tunecamp-share.desktop']);
    await applyAutostartFile(file, null);
    expect(await readdir(path.dirname(file))).toEqual([]);
    // Removing twice is fine.
    await applyAutostartFile(file, null);
  });
});
