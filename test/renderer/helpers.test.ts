import { describe, expect, it } from 'vitest';
import { addSample, areaPath, niceMax, uploadNow } from '../../src/renderer/src/lib/throughput';
import { checkServerInput, looksLikeToken } from '../../src/renderer/src/lib/server-input';
import { planDrop } from '../../src/renderer/src/lib/drop';
import { baseName, folderStateLabel, parentPath } from '../../src/renderer/src/lib/folder-state';
import type { FolderStatus } from '../../src/shared/contract';

describe('upload now', () => {
  it('is the rolling rate while something is sent, and 0 when nothing is', () => {
    expect(uploadNow({ rate: 1_400_000, active: 2 })).toBe(1_400_000);
    // The rolling rate still decays after the last transfer ended: not "uploading".
    expect(uploadNow({ rate: 350_000, active: 0 })).toBe(0);
    expect(uploadNow(undefined)).toBe(0);
  });
});

describe('throughput samples', () => {
  it('keeps five minutes and merges bursts', () => {
    let s = addSample([], { at: 0, rate: 1 });
    s = addSample(s, { at: 200, rate: 5 });
    expect(s).toEqual([{ at: 0, rate: 5 }]);
    s = addSample(s, { at: 2000, rate: 7 });
    expect(s).toHaveLength(2);
    s = addSample(s, { at: 301_000, rate: 3 });
    expect(s.map((x) => x.at)).toEqual([2000, 301_000]);
  });
  it('draws an area path inside the box', () => {
    expect(areaPath([], 0, 100, 50, 10)).toBe('');
    const d = areaPath(
      [
        { at: 0, rate: 0 },
        { at: 150_000, rate: 10 },
        { at: 300_000, rate: 5 },
      ],
      300_000,
      100,
      50,
      10,
    );
    expect(d).toBe('M0,50 L0,50 L50,0 L100,25 L100,50 Z');
  });
  it('picks nice ceilings', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(1_400_000)).toBe(2_000_000);
    expect(niceMax(300)).toBe(500);
    expect(niceMax(1000)).toBe(1000);
  });
});

describe('checkServerInput', () => {
  it('assumes https and keeps a path prefix', () => {
    expect(checkServerInput('music.example.org')).toEqual({
      ok: true,
      url: 'https://music.example.org',
    });
    expect(checkServerInput(' http://example.org/tunecamp/ ')).toEqual({
      ok: true,
      url: 'http://example.org/tunecamp',
    });
    expect(checkServerInput('localhost:1970')).toEqual({ ok: true, url: 'https://localhost:1970' });
  });
  it('explains what is wrong', () => {
    expect(checkServerInput('')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Enter'),
    });
    expect(checkServerInput('ftp://x.org')).toMatchObject({
      ok: false,
      error: expect.stringContaining('http'),
    });
    expect(checkServerInput('mailto:me@x.org')).toMatchObject({ ok: false });
    expect(checkServerInput('https://bob:pw@x.org')).toMatchObject({
      ok: false,
      error: expect.stringContaining('password'),
    });
    expect(checkServerInput('music example')).toMatchObject({
      ok: false,
      error: expect.stringContaining('spaces'),
    });
  });
  it('recognises token shapes', () => {
    expect(looksLikeToken('tc_abcdef123456')).toBe(true);
    expect(looksLikeToken('aaa.bbb.ccc')).toBe(true);
    expect(looksLikeToken('hunter2')).toBe(false);
  });
});

describe('planDrop', () => {
  it('adds folders whose path is known', () => {
    expect(planDrop([{ name: 'Music', isDirectory: true, path: '/home/m/Music' }])).toEqual({
      kind: 'add',
      paths: ['/home/m/Music'],
    });
  });
  it('offers the parent folder of a dropped file', () => {
    const p = planDrop([{ name: 'a.mp3', isDirectory: false, path: '/home/m/Music/a.mp3' }]);
    expect(p).toMatchObject({ kind: 'offer-parent', offer: '/home/m/Music' });
  });
  it('asks for a typed path in a browser', () => {
    expect(planDrop([{ name: 'Music', isDirectory: true }])).toMatchObject({ kind: 'ask-path' });
    expect(planDrop([])).toEqual({ kind: 'nothing' });
  });
});

describe('folder helpers', () => {
  const f = (x: Partial<FolderStatus>): FolderStatus => ({
    path: '/m',
    download: 'inherit',
    exclude: [],
    state: 'watching',
    tracks: 0,
    bytes: 0,
    skipped: [],
    ...x,
  });
  it('labels states', () => {
    expect(folderStateLabel(f({})).tone).toBe('ok');
    expect(
      folderStateLabel(f({ state: 'scanning', progress: { found: 200, parsed: 100, skipped: 28 } }))
        .text,
    ).toBe('Scanning 64 % (100 of 200 files read)');
    expect(folderStateLabel(f({ state: 'offline' })).tone).toBe('error');
    expect(folderStateLabel(f({ state: 'polling' })).tone).toBe('warn');
  });
  it('splits paths', () => {
    expect(baseName('/home/maria/Music/')).toBe('Music');
    expect(baseName('C:\\Users\\m\\Music')).toBe('Music');
    expect(parentPath('/a/b.mp3')).toBe('/a');
    expect(parentPath('/b.mp3')).toBe('/');
    expect(parentPath('C:\\m\\b.mp3')).toBe('C:\\m');
  });
});
