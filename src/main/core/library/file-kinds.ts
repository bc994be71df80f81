/**
 * What the scanner makes of a file by its name, so that every file that is not hidden is
 * accounted for: audio to read (published or skipped with a reason), a video file (skipped, with
 * that reason), or a kind of file that is not audio (counted, not listed). Pure.
 */
import type { IgnoredKind } from '../../../shared/contract';
import { AUDIO_FORMATS, extensionOf, MAY_HOLD_VIDEO } from './mime';

/** The scanner's verdict on a file name. */
export type FileKind = { kind: 'audio' } | { kind: 'video' } | { kind: 'ignored'; as: IgnoredKind };

/** The reason shown for a file that carries video (the listener's player is an audio player). */
export const VIDEO_REASON = 'a video, not an audio file: only audio is shared';

/** Video formats the tag reader cannot open: skipped by their name alone. */
const VIDEO_ONLY = new Set([
  'avi',
  'mpg',
  'mpeg',
  'flv',
  'vob',
  'mts',
  'm2ts',
  'divx',
  'rm',
  'rmvb',
]);

const KINDS: Record<Exclude<IgnoredKind, 'system' | 'excluded' | 'other'>, string[]> = {
  image: ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'tif', 'tiff', 'heic', 'svg', 'ico'],
  text: ['txt', 'nfo', 'md', 'pdf', 'doc', 'docx', 'rtf', 'log', 'htm', 'html', 'json', 'xml'],
  playlist: ['m3u', 'm3u8', 'pls', 'xspf', 'wpl', 'cue'],
};
const KIND_OF = new Map<string, IgnoredKind>(
  Object.entries(KINDS).flatMap(([kind, exts]) => exts.map((e) => [e, kind as IgnoredKind])),
);

/** Classifies a file name (or path) by its extension, case-insensitively. */
export function fileKindOf(name: string): FileKind {
  const ext = extensionOf(name);
  if (ext && Object.hasOwn(AUDIO_FORMATS, ext)) return { kind: 'audio' };
  if (VIDEO_ONLY.has(ext)) return { kind: 'video' };
  return { kind: 'ignored', as: KIND_OF.get(ext) ?? 'other' };
}

/** True when a file of this name goes to the tag reader (audio, or a container that may be). */
export function isCandidate(name: string): boolean {
  return fileKindOf(name).kind !== 'ignored';
}

/** True when the container named by this path may hold video (checked when it is read). */
export function mayHoldVideo(name: string): boolean {
  return MAY_HOLD_VIDEO.has(extensionOf(name));
}

/** "2 images, 1 text or document" (re-exported: the window words it the same way). */
export { describeIgnored } from '../../../shared/ignored';
