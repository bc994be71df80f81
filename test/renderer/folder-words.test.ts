/**
 * Issue 12, "The window": the words where the folder counts meet the published count, and the
 * machine a typed folder path is on. Issue 17: the files list names files published with a warning.
 */
import { describe, expect, it } from 'vitest';
import {
  duplicateNote,
  filesSummary,
  folderPathLabel,
  sharedCountNote,
} from '../../src/renderer/src/lib/folder-state';

describe('counts that disagree say why', () => {
  const music = { tracks: 127 };
  const backup = { tracks: 2, duplicates: { tracks: 2, alsoIn: ['/srv/music'] } };

  it('beside "Tracks shared": the folders hold more, a duplicate is published once', () => {
    expect(sharedCountNote([music, backup])).toBe(
      'Your folders hold 129 tracks: 2 are in more than one folder (the same file reached twice, or an identical copy) and are published once.',
    );
    expect(sharedCountNote([music, { tracks: 2 }])).toBe('');
    expect(sharedCountNote([{ tracks: 5, duplicates: { tracks: 1, alsoIn: [] } }])).toMatch(
      /: 1 is in more than one folder .* and is published once\.$/,
    );
  });

  it('on the folder card: which folder holds them too', () => {
    expect(duplicateNote(backup)).toBe(
      '2 of these tracks are also in /srv/music (the same file reached twice, or an identical copy): published once.',
    );
    expect(duplicateNote({})).toBe('');
    expect(duplicateNote({ duplicates: { tracks: 1, alsoIn: ['/a', '/b'] } })).toMatch(
      /^1 of these tracks is also in \/a, \/b /,
    );
  });
});

describe('the typed folder path names the machine', () => {
  it('on a headless daemon, its hostname', () => {
    expect(folderPathLabel('headless', 'nas-01')).toBe(
      'Folder path on nas-01 (the machine running tunecamp-share)',
    );
    expect(folderPathLabel('headless')).toBe('Folder path on the machine running tunecamp-share');
    expect(folderPathLabel('desktop', 'laptop')).toBe('Or type a folder path');
  });
});

describe("a folder's files list", () => {
  it('counts skipped files and files published with a warning', () => {
    const skipped = [{ path: 'a.mp3', reason: 'damaged' }];
    const notes = [{ path: 'b.mp3', reason: 'its ID3v2 tag is damaged and was ignored' }];
    expect(filesSummary({ skipped, notes })).toBe(
      '1 skipped file · 1 file published with a warning',
    );
    expect(filesSummary({ skipped: [], notes })).toBe('1 file published with a warning');
    expect(filesSummary({ skipped: [] })).toBe('');
  });
});
