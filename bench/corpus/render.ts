import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildWav, retagFlac } from './flac-wav';
import { retagMp4 } from './mp4';
import { retagOgg } from './ogg';
import { createRng } from './prng';
import type { FilePlan } from './plan';
import { buildId3v23, stripId3 } from './tags';

/** The small real files every generated track is cloned from (bench/templates). */
export interface Templates {
  mp3: Buffer[];
  flac: Buffer;
  m4a: Buffer;
  ogg: Buffer;
  opus: Buffer;
  cover: Buffer;
}

/** Loads bench/templates; MP3 templates are stored without tags so a fresh tag can be prepended. */
export async function loadTemplates(): Promise<Templates> {
  const dir = fileURLToPath(new URL('../templates/', import.meta.url));
  const read = (name: string): Promise<Buffer> => readFile(dir + name);
  const [sine, speech, flac, m4a, ogg, opus, cover] = await Promise.all(
    [
      'sine.mp3',
      'speech.mp3',
      'testcase.flac',
      'testcase.m4a',
      'vorbis.ogg',
      'testcase.opus',
      'cover.jpg',
    ].map(read),
  );
  return {
    mp3: [stripId3(sine!), stripId3(speech!)],
    flac: flac!,
    m4a: m4a!,
    ogg: ogg!,
    opus: opus!,
    cover: cover!,
  };
}

/** Bytes for one planned file. Pure given the plan and templates (randomness comes from the plan's seed). */
export function renderFile(plan: FilePlan, t: Templates): Buffer | string {
  switch (plan.kind) {
    case 'cover':
      return t.cover;
    case 'text':
      return plan.text;
    case 'junk-audio': {
      const tags = {
        title: `JUNK ${plan.rel}`,
        artist: 'Junk',
        album: 'Junk',
        track: 1,
        year: 2000,
        genre: 'Junk',
      };
      return Buffer.concat([buildId3v23(tags, undefined, 0), t.mp3[0]!]);
    }
    case 'corrupt': {
      if (plan.how === 'empty') return Buffer.alloc(0);
      if (plan.how === 'garbage') return createRng(plan.seed).bytes(plan.size);
      // Truncated: a real header that promises far more than is there.
      const tags = {
        title: 'Truncated',
        artist: 'Broken',
        album: 'Broken',
        track: 1,
        year: 2000,
        genre: 'Rock',
      };
      const whole = Buffer.concat([buildId3v23(tags, undefined, 0), t.mp3[0]!]);
      return whole.subarray(0, Math.min(plan.size, 600));
    }
    case 'audio':
      return renderAudio(plan, t);
  }
}

function renderAudio(plan: Extract<FilePlan, { kind: 'audio' }>, t: Templates): Buffer {
  const rng = createRng(plan.seed);
  switch (plan.format) {
    case 'mp3': {
      const body = rng.pick(t.mp3);
      // Untagged: bare frames, made unique by trailing noise that decoders skip as a lost sync.
      if (!plan.tagged) return Buffer.concat([body, rng.bytes(64)]);
      const tag = buildId3v23(plan.tags, plan.cover ? t.cover : undefined, rng.int(0, 2048));
      return Buffer.concat([tag, body]);
    }
    case 'flac':
      return retagFlac(t.flac, plan.tags);
    case 'm4a':
      return retagMp4(t.m4a, plan.tags);
    case 'ogg':
      return retagOgg(t.ogg, plan.tags);
    case 'opus':
      return retagOgg(t.opus, plan.tags);
    case 'wav':
      return buildWav(plan.tagged ? plan.tags : undefined, rng.int(40_000, 200_000) * 2, rng);
  }
}
