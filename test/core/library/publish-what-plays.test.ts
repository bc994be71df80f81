import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_ONLY_REASON, playsInBrowser } from '../../../src/main/core/library/browser-play';
import { CORPUS, makeLibrary, removeDir, tempDir } from './helpers';
import { damagedCorpus } from './damaged-files';

type Verdict = 'stream' | 'download-only' | `skip: ${string}`;

/** Issue 17's corpus: generated files plus the real ones with damaged tags or app-only formats. */
const EXPECTED: Record<string, Verdict> = {
  'compressed-frame.mp3': 'stream',
  'tag-overruns.mp3': 'stream',
  'tag-version-7.mp3': 'stream',
  'tag-only.mp3': 'skip: holds tags but no audio',
  'broadcast.wav': 'stream',
  'lossless.tta': 'download-only',
  'tags-cut-short.m4a': 'stream',
  // Its moov atom runs past the end and there is no mdat: the audio itself is missing.
  'issue-749.m4a': 'skip: the file ends early (truncated?)',
  'issue-127.m4b': 'stream', // an audiobook with chapters
  'fl2.mp1': 'download-only',
  'fl10.mp2': 'download-only',
  'issue_57.wma': 'download-only',
  'monkeysaudio.ape': 'download-only',
  'CWE-835-01.aiff': 'skip: its AIFF contents could not be read: the file may be damaged',
  'corrupt.mkv': 'skip: its MKV contents could not be read: the file may be damaged',
};
const REAL: Record<string, string> = {
  'issue-749.m4a': 'mp4/issue-749.m4a',
  'issue-127.m4b': 'mp4/issue-127.m4b',
  'fl2.mp1': 'mp3/layer1/fl2.mp1',
  'fl10.mp2': 'mp3/layer2/fl10.mp2',
  'issue_57.wma': 'asf/issue_57.wma',
  'monkeysaudio.ape': 'monkeysaudio.ape',
  'CWE-835-01.aiff': 'aiff/CWE-835-01.aiff',
  'corrupt.mkv': 'matroska/corrupt.mkv',
};

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await mkdir(path.join(dir, 'music'));
  for (const [name, bytes] of Object.entries(damagedCorpus()))
    await writeFile(path.join(dir, 'music', name), bytes);
  for (const [name, rel] of Object.entries(REAL))
    await copyFile(path.join(CORPUS, rel), path.join(dir, 'music', name));
});
afterEach(() => removeDir(dir));

/** Every file's verdict after a scan with the folder's app-only choice on or off. */
async function verdicts(appOnly: boolean) {
  const root = path.join(dir, 'music');
  const { lib } = makeLibrary();
  const res = await lib.scanRoot(root, { exclude: [], appOnly });
  const out: Record<string, Verdict> = {};
  for (const e of lib.entries(root))
    out[path.basename(e.path)] = playsInBrowser(e.format) ? 'stream' : 'download-only';
  for (const s of res.skipped) out[path.basename(s.path)] = `skip: ${s.reason}`;
  return { out, notes: new Map(res.notes.map((n) => [path.basename(n.path), n.reason])) };
}

describe('publish what plays, explain what does not (issue 17)', () => {
  it('gives every file one verdict: streamable, download-only, or skipped with its reason', async () => {
    const { out, notes } = await verdicts(true);
    expect(out).toEqual(EXPECTED);
    // A damaged tag is named, and said to be ignored; the title comes from the file name.
    expect(notes.get('compressed-frame.mp3')).toBe('its ID3v2 tag is damaged and was ignored');
    expect(notes.get('tag-overruns.mp3')).toBe('its ID3v2 tag is damaged and was ignored');
    expect(notes.get('tags-cut-short.m4a')).toBe('its MP4 tags are damaged and were ignored');
    expect(notes.size).toBe(4); // and the tag of an unknown version
  });

  it('skips files only apps play unless the folder shares them for download', async () => {
    const { out } = await verdicts(false);
    for (const [name, verdict] of Object.entries(EXPECTED))
      expect(out[name], name).toBe(
        verdict === 'download-only' ? `skip: ${APP_ONLY_REASON}` : verdict,
      );
  });
});
