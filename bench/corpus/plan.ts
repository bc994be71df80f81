import { createRng } from './prng';
import type { Rng } from './prng';
import { randomGenre, randomName, safeSegment } from './names';
import type { TrackTags } from './tags';

/** The audio formats the generator clones. */
export type AudioKind = 'mp3' | 'flac' | 'm4a' | 'ogg' | 'opus' | 'wav';

/** One file to write. Everything random is decided here, so writing can run in any order. */
export type FilePlan =
  | {
      kind: 'audio';
      rel: string;
      format: AudioKind;
      tags: TrackTags;
      tagged: boolean;
      seed: number;
      cover: boolean;
    }
  | {
      kind: 'corrupt';
      rel: string;
      how: 'truncated' | 'garbage' | 'empty';
      size: number;
      seed: number;
    }
  | { kind: 'junk-audio'; rel: string; seed: number }
  | { kind: 'cover'; rel: string }
  | { kind: 'text'; rel: string; text: string };

/** What a plan promises: `tracks` is the number of files the daemon should publish. */
export interface PlanTotals {
  tracks: number;
  untagged: number;
  corrupt: number;
  ignoredAudio: number;
  covers: number;
  textFiles: number;
  byFormat: Record<AudioKind, number>;
}

const FORMAT_WEIGHTS: [AudioKind, number][] = [
  ['mp3', 0.72],
  ['flac', 0.1],
  ['m4a', 0.06],
  ['ogg', 0.05],
  ['opus', 0.03],
  ['wav', 0.04],
];

const EXT: Record<AudioKind, string> = {
  mp3: 'mp3',
  flac: 'flac',
  m4a: 'm4a',
  ogg: 'ogg',
  opus: 'opus',
  wav: 'wav',
};

function pickFormat(rng: Rng): AudioKind {
  let r = rng.next();
  for (const [kind, w] of FORMAT_WEIGHTS) {
    if ((r -= w) < 0) return kind;
  }
  return 'mp3';
}

/**
 * Lays out a library of exactly `tracks` publishable audio files in Artist/Album folders (some with
 * CD1/CD2 subfolders), plus covers, text files, corrupt audio and junk folders whose audio must be
 * ignored. Deterministic for a given seed.
 */
export function planCorpus(
  tracks: number,
  seed: number,
): { files: FilePlan[]; totals: PlanTotals } {
  const rng = createRng(seed);
  const files: FilePlan[] = [];
  const byFormat: Record<AudioKind, number> = { mp3: 0, flac: 0, m4a: 0, ogg: 0, opus: 0, wav: 0 };
  const totals: PlanTotals = {
    tracks: 0,
    untagged: 0,
    corrupt: 0,
    ignoredAudio: 0,
    covers: 0,
    textFiles: 0,
    byFormat,
  };
  const seen = new Set<string>();
  const uniqueDir = (base: string): string => {
    let dir = base;
    for (let n = 2; seen.has(dir.toLowerCase()); n++) dir = `${base} (${n})`; // case-insensitive filesystems too
    seen.add(dir.toLowerCase());
    return dir;
  };
  let artistNo = 0;
  while (totals.tracks < tracks) {
    const artist = `${randomName(rng)}`;
    const artistDir = uniqueDir(safeSegment(`${artist} ${++artistNo}`));
    const albums = rng.int(1, 4);
    for (let a = 0; a < albums && totals.tracks < tracks; a++) {
      const album = randomName(rng, 3);
      const year = rng.int(1960, 2025);
      const genre = randomGenre(rng);
      const albumDir = uniqueDir(`${artistDir}/${safeSegment(`${album} (${year})`)}`);
      const discs = rng.chance(0.05) ? 2 : 1;
      const count = Math.min(rng.int(6, 16), tracks - totals.tracks);
      const embedCover = rng.chance(0.1);
      for (let t = 1; t <= count; t++) {
        const disc = discs === 2 ? `/CD${t <= count / 2 ? 1 : 2}` : '';
        const format = pickFormat(rng);
        const title = randomName(rng, rng.int(1, 3));
        const tagged = !((format === 'mp3' || format === 'wav') && rng.chance(0.05)); // others always tagged
        const name = safeSegment(`${String(t).padStart(2, '0')} - ${title}`);
        const rel = `${albumDir}${disc}/${name}.${EXT[format]}`;
        files.push({
          kind: 'audio',
          rel,
          format,
          tags: { title, artist, album, track: t, year, genre },
          tagged,
          seed: (rng.next() * 2 ** 32) >>> 0,
          cover: embedCover,
        });
        totals.tracks++;
        byFormat[format]++;
        if (!tagged) totals.untagged++;
        if (rng.chance(0.005)) {
          const how = rng.pick(['truncated', 'garbage', 'empty'] as const);
          const ext = rng.pick(['mp3', 'flac', 'm4a', 'ogg']);
          const size = how === 'empty' ? 0 : rng.int(64, 30_000);
          files.push({
            kind: 'corrupt',
            rel: `${albumDir}${disc}/zz broken ${t}.${ext}`,
            how,
            size,
            seed: t,
          });
          totals.corrupt++;
        }
        if (rng.chance(0.01)) {
          // AppleDouble sidecar: hidden name, audio extension, not audio.
          files.push({
            kind: 'junk-audio',
            rel: `${albumDir}${disc}/._${name}.${EXT[format]}`,
            seed: t,
          });
          totals.ignoredAudio++;
        }
      }
      if (rng.chance(0.5)) {
        files.push({ kind: 'cover', rel: `${albumDir}/cover.jpg` });
        totals.covers++;
      }
      if (rng.chance(0.1)) {
        files.push({
          kind: 'text',
          rel: `${albumDir}/notes.txt`,
          text: `${artist} - ${album}\nRipped for benchmarks.\n`,
        });
        totals.textFiles++;
      }
      if (rng.chance(0.04)) {
        files.push({
          kind: 'junk-audio',
          rel: `${albumDir}/@eaDir/01.mp3/SYNOAUDIO_preview.mp3`,
          seed: a,
        });
        totals.ignoredAudio++;
      }
    }
  }
  for (let i = 0; i < 5; i++) {
    files.push({ kind: 'junk-audio', rel: `.hidden/secret ${i}.mp3`, seed: i });
    files.push({ kind: 'junk-audio', rel: `#recycle/Deleted Album/0${i} - gone.mp3`, seed: i });
    files.push({ kind: 'junk-audio', rel: `@eaDir/thumbs ${i}.flac`, seed: i });
    totals.ignoredAudio += 3;
  }
  files.push({ kind: 'text', rel: 'README.txt', text: 'Generated by bench/corpus.ts\n' });
  files.push({ kind: 'text', rel: '.DS_Store', text: '\0\0\0\x01Bud1' });
  totals.textFiles += 2;
  return { files, totals };
}
