/**
 * Which audio formats a listener's browser plays, and the format label of a parsed file. The
 * table was measured in real Chromium (test/core/library/browser-play.test.ts plays a sample of
 * each format and asserts it agrees): a format missing from the table is treated as not playable.
 */
import type { IAudioMetadata } from 'music-metadata';
import { audioFormatOf, extensionOf } from './mime';

/** The reason and the window's words for a file only apps play (shared with the window). */
export { APP_ONLY_REASON } from '../../../shared/app-only';

/** Format label -> whether Chromium plays it through an audio element (measured). */
export const BROWSER_PLAYS: Readonly<Record<string, boolean>> = Object.freeze({
  mp3: true,
  aac: true,
  m4a: true,
  flac: true,
  ogg: true,
  opus: true,
  wav: true,
  webm: true,
  mka: true,
  mp1: false,
  mp2: false,
  alac: false,
  speex: false,
  aiff: false,
  'wav-other': false,
  wma: false,
  ape: false,
  mpc: false,
  wv: false,
  dsf: false,
  dff: false,
  tta: false,
  tak: false,
  ofr: false,
  shn: false,
  mod: false,
});

/** True when a listener's browser plays files of this format label (unknown labels: false). */
export function playsInBrowser(format: string): boolean {
  return BROWSER_PLAYS[format] === true;
}

/** WAV codecs browsers decode (music-metadata's names). */
const WAV_PLAYABLE = /^(PCM|MULAW|ALAW|MPEGLAYER3|IEEE_FLOAT|.*float.*)$/i;
/** Matroska codecs browsers decode. */
const MKV_PLAYABLE = /^(OPUS|VORBIS|AAC|FLAC|MPEG_L3|MP3)$/i;

/**
 * The format label of a parsed file: from its codec where the container allows several (MPEG
 * layers, ALAC or AAC in MP4, Speex in Ogg, WAV codecs), else from its extension. Pure.
 */
export function formatOf(filePath: string, meta: IAudioMetadata['format']): string {
  const container = meta.container ?? '';
  const codec = meta.codec ?? '';
  const layer = /^MPEG .* Layer ([123])$/.exec(codec);
  if (container === 'MPEG' && layer) return layer[1] === '3' ? 'mp3' : `mp${layer[1]}`;
  if (container.startsWith('ADTS')) return 'aac';
  if (codec === 'ALAC') return 'alac';
  if (container === 'Ogg') {
    if (codec.startsWith('Speex')) return 'speex';
    if (codec === 'Opus') return 'opus';
    if (codec === 'FLAC') return 'flac';
    return 'ogg';
  }
  if (container === 'WAVE') return WAV_PLAYABLE.test(codec) ? 'wav' : 'wav-other';
  if (container.startsWith('AIFF')) return 'aiff';
  if (container.startsWith('EBML')) {
    if (codec && !MKV_PLAYABLE.test(codec)) return 'mka-other';
    return container.endsWith('webm') ? 'webm' : 'mka';
  }
  if (container.startsWith('ASF')) return 'wma';
  if (container === 'DSF' || container === 'DSDIFF') return container === 'DSF' ? 'dsf' : 'dff';
  return audioFormatOf(filePath)?.format ?? extensionOf(filePath);
}
