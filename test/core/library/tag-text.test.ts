import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTrack } from '../../../src/main/core/library/read-track';
import { decodeUndeclared } from '../../../src/main/core/library/tag-text';
import { removeDir, tempDir } from './helpers';
import { cp1252, mp3WithId3v1, wavWithInfo, type RawTags } from './tag-files';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const UTF8_TEXT = { title: 'Noémie Petrović', artist: 'Ærøskøbing Ensemble', album: 'Ça ira' };
const CP1252_TEXT = { title: 'Café – l’été', artist: 'Björk “Live”', album: 'Déjà vu €5' };
const bytes = (t: typeof UTF8_TEXT, enc: (s: string) => Buffer): RawTags => ({
  title: enc(t.title),
  artist: enc(t.artist),
  album: enc(t.album),
});
const utf8 = (s: string) => Buffer.from(s, 'utf8');

async function read(name: string, data: Buffer) {
  const p = path.join(dir, name);
  await writeFile(p, data);
  const r = await readTrack(p);
  if (!r.ok) throw new Error(`${name}: ${r.reason}`);
  return r.track;
}

describe('text in tags that declare no encoding', () => {
  it('RIFF INFO in UTF-8 (ffmpeg, current taggers) is read as UTF-8', async () => {
    const t = await read('utf8.wav', wavWithInfo(bytes(UTF8_TEXT, utf8)));
    expect(t).toMatchObject(UTF8_TEXT);
  });

  it('RIFF INFO that is not valid UTF-8 is read as Windows-1252', async () => {
    const t = await read('cp1252.wav', wavWithInfo(bytes(CP1252_TEXT, cp1252)));
    expect(t).toMatchObject(CP1252_TEXT);
  });

  it('ID3v1 in UTF-8 and in Windows-1252', async () => {
    expect(await read('utf8.mp3', await mp3WithId3v1(bytes(UTF8_TEXT, utf8)))).toMatchObject(
      UTF8_TEXT,
    );
    expect(await read('cp.mp3', await mp3WithId3v1(bytes(CP1252_TEXT, cp1252)))).toMatchObject(
      CP1252_TEXT,
    );
  });

  it('leaves ASCII, correct text and text from tags with a declared encoding alone', () => {
    expect(decodeUndeclared('Plain ASCII')).toBe('Plain ASCII');
    expect(decodeUndeclared('Noémie')).toBe('Noémie'); // é alone is not UTF-8: cp1252 gives é again
    expect(decodeUndeclared('Петрович')).toBe('Петрович');
    expect(decodeUndeclared('NoÃ©mie PetroviÄ\u0087')).toBe('Noémie Petrović');
  });
});
