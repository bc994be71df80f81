import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGetArgs } from '../../../src/main/cli/get';
import {
  candidateName,
  prepareDestination,
  sanitizeRelPath,
} from '../../../src/main/core/lan/downloads/safe-path';
import {
  parseContentRange,
  parseUnsatisfiedTotal,
  retryDelayMs,
} from '../../../src/main/core/lan/downloads/transport';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe('download paths and helpers', () => {
  it('cleans relative paths from a peer', () => {
    expect(sanitizeRelPath('Album/01 Song.flac')).toEqual(['Album', '01 Song.flac']);
    expect(sanitizeRelPath('/etc/passwd')).toEqual(['etc', 'passwd']);
    expect(sanitizeRelPath('C:\\Windows\\x.mp3')).toEqual(['Windows', 'x.mp3']);
    expect(sanitizeRelPath('./a//b/./c.ogg')).toEqual(['a', 'b', 'c.ogg']);
    expect(sanitizeRelPath('a/NUL.flac')).toEqual(['a', '_NUL.flac']);
    expect(sanitizeRelPath('com1')).toEqual(['_com1']);
    expect(sanitizeRelPath('what?<>|"*.mp3')).toEqual(['what______.mp3']);
    expect(sanitizeRelPath('trailing. ')).toEqual(['trailing']);
    expect(sanitizeRelPath('a\u0000b\nc.mp3')).toEqual(['a_b_c.mp3']);
    expect(() => sanitizeRelPath('../x.mp3')).toThrow(/Refused path/);
    expect(() => sanitizeRelPath('a/../../x.mp3')).toThrow(/Refused path/);
    expect(() => sanitizeRelPath('')).toThrow(/names no file/);
    expect(() => sanitizeRelPath('///')).toThrow(/names no file/);
    const long = sanitizeRelPath(`${'é'.repeat(200)}.flac`)[0]!;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('.flac')).toBe(true);
  });

  it('refuses to write through a symlink inside the destination', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-dlpath-'));
    await mkdir(path.join(dir, 'out'));
    await symlink(os.tmpdir(), path.join(dir, 'out', 'link'));
    await expect(prepareDestination(path.join(dir, 'out'), ['link', 'x.mp3'])).rejects.toThrow(
      /symbolic link/,
    );
    expect(await prepareDestination(path.join(dir, 'out'), ['a', 'b', 'x.mp3'])).toBe(
      path.join(dir, 'out', 'a', 'b', 'x.mp3'),
    );
  });

  it('names the copies, parses Content-Range, and backs off', () => {
    expect(candidateName('/d/song.flac', 1)).toBe('/d/song.flac');
    expect(candidateName('/d/song.flac', 2)).toBe('/d/song (2).flac');
    expect(candidateName('/d/README', 3)).toBe('/d/README (3)');
    expect(parseContentRange('bytes 0-9/10')).toEqual({ start: 0, end: 9, total: 10 });
    expect(parseContentRange('bytes 5-4/10')).toBeUndefined();
    expect(parseContentRange('bytes 0-10/10')).toBeUndefined();
    expect(parseContentRange('bytes */10')).toBeUndefined();
    expect(parseUnsatisfiedTotal('bytes */10')).toBe(10);
    expect(retryDelayMs(1, () => 0)).toBe(1000);
    expect(retryDelayMs(3, () => 0)).toBe(4000);
    expect(retryDelayMs(30, () => 0)).toBe(30_000);
    expect(retryDelayMs(2, () => 1)).toBe(1500);
  });

  it('parses the get command line', () => {
    const id = 'a'.repeat(32);
    expect(parseGetArgs(['http://10.0.0.2:47310', `${id}=Album/x.flac`, '--to', '/tmp/m'])).toEqual(
      {
        peer: 'http://10.0.0.2:47310',
        tracks: [{ trackId: id, relPath: 'Album/x.flac' }],
        to: '/tmp/m',
        tokenFile: undefined,
        perPeer: 2,
        json: false,
      },
    );
    expect(parseGetArgs([])).toBe('help');
    // A word is a paired device's name or id (resolved later against peers.json)…
    expect(parseGetArgs(['living-room', id, '--to', 'x'])).toMatchObject({
      peer: 'living-room',
      items: [id],
      to: 'x',
    });
    expect(parseGetArgs(['living-room', '--to', 'x'])).toMatch(/at least one PATH or TRACK_ID/);
    // …and a URL must be an http one with a port.
    expect(parseGetArgs(['ftp://h:1', id, '--to', 'x'])).toMatch(/not a peer address/);
    expect(parseGetArgs(['http://h:1', 'xyz', '--to', 'x'])).toMatch(/not a track id/);
    expect(parseGetArgs(['http://h:1', id])).toMatch(/needs --to/);
    expect(parseGetArgs(['http://h:1', id, '--to', 'x', '--per-peer', '0'])).toMatch(/1 to 16/);
  });
});
