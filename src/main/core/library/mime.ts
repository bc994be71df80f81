/** How one audio file type is published: a short label for the UI and the real MIME type for the server. */
export interface AudioFormat {
  format: string;
  mimeType: string;
}

/**
 * Audio formats by lowercase extension (no dot). The MIME type becomes the listener's HTTP
 * `Content-Type` (PROTOCOL.md section 3), so it must be a real audio type, never a container name.
 */
export const AUDIO_FORMATS: Readonly<Record<string, AudioFormat>> = Object.freeze({
  mp3: { format: 'mp3', mimeType: 'audio/mpeg' },
  mp2: { format: 'mp2', mimeType: 'audio/mpeg' },
  flac: { format: 'flac', mimeType: 'audio/flac' },
  ogg: { format: 'ogg', mimeType: 'audio/ogg' },
  oga: { format: 'ogg', mimeType: 'audio/ogg' },
  opus: { format: 'opus', mimeType: 'audio/opus' },
  wav: { format: 'wav', mimeType: 'audio/wav' },
  aiff: { format: 'aiff', mimeType: 'audio/aiff' },
  aif: { format: 'aiff', mimeType: 'audio/aiff' },
  aifc: { format: 'aiff', mimeType: 'audio/aiff' },
  m4a: { format: 'm4a', mimeType: 'audio/mp4' },
  m4b: { format: 'm4a', mimeType: 'audio/mp4' },
  mp4: { format: 'm4a', mimeType: 'audio/mp4' },
  aac: { format: 'aac', mimeType: 'audio/aac' },
  wma: { format: 'wma', mimeType: 'audio/x-ms-wma' },
  ape: { format: 'ape', mimeType: 'audio/ape' },
  wv: { format: 'wv', mimeType: 'audio/wavpack' },
  mpc: { format: 'mpc', mimeType: 'audio/musepack' },
  dsf: { format: 'dsf', mimeType: 'audio/dsf' },
  dff: { format: 'dff', mimeType: 'audio/x-dff' },
  // Formats only apps play: published for download when the folder allows it (browser-play.ts).
  tta: { format: 'tta', mimeType: 'audio/x-tta' },
  tak: { format: 'tak', mimeType: 'audio/x-tak' },
  ofr: { format: 'ofr', mimeType: 'audio/x-optimfrog' },
  ofs: { format: 'ofr', mimeType: 'audio/x-optimfrog' },
  shn: { format: 'shn', mimeType: 'audio/x-shorten' },
  mod: { format: 'mod', mimeType: 'audio/x-mod' },
  xm: { format: 'mod', mimeType: 'audio/x-xm' },
  s3m: { format: 'mod', mimeType: 'audio/x-s3m' },
  it: { format: 'mod', mimeType: 'audio/x-it' },
  mka: { format: 'mka', mimeType: 'audio/x-matroska' },
  webm: { format: 'webm', mimeType: 'audio/webm' },
  // Containers that may hold video as well: published when the parser finds audio only.
  mp1: { format: 'mp1', mimeType: 'audio/mpeg' },
  m2a: { format: 'mp2', mimeType: 'audio/mpeg' },
  wave: { format: 'wav', mimeType: 'audio/wav' },
  bwf: { format: 'wav', mimeType: 'audio/wav' },
  asf: { format: 'wma', mimeType: 'audio/x-ms-wma' },
  wmv: { format: 'wma', mimeType: 'audio/x-ms-wma' },
  weba: { format: 'webm', mimeType: 'audio/webm' },
  mkv: { format: 'mka', mimeType: 'audio/x-matroska' },
  ogv: { format: 'ogg', mimeType: 'audio/ogg' },
  ogm: { format: 'ogg', mimeType: 'audio/ogg' },
  ogx: { format: 'ogg', mimeType: 'audio/ogg' },
  spx: { format: 'ogg', mimeType: 'audio/ogg' },
  mov: { format: 'm4a', mimeType: 'audio/mp4' },
  qt: { format: 'm4a', mimeType: 'audio/mp4' },
  m4v: { format: 'm4a', mimeType: 'audio/mp4' },
  m4r: { format: 'm4a', mimeType: 'audio/mp4' },
  '3gp': { format: 'm4a', mimeType: 'audio/mp4' },
  wvp: { format: 'wv', mimeType: 'audio/wavpack' },
});

/** Extensions whose container may carry video: a file with a video track is skipped, not published. */
export const MAY_HOLD_VIDEO: ReadonlySet<string> = new Set([
  'mp4',
  'webm',
  'mkv',
  'asf',
  'wmv',
  'ogv',
  'ogm',
  'ogx',
  'mov',
  'qt',
  'm4v',
  '3gp',
]);

/** The lowercase extension of a file name or path (no dot), or '' when it has none. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  if (dot <= slash + 1) return ''; // no extension, or a dot-file like ".mp3"
  return fileName.slice(dot + 1).toLowerCase();
}

/** The audio format of a file name or path by its extension (case-insensitive), or undefined if not audio. */
export function audioFormatOf(fileName: string): AudioFormat | undefined {
  const ext = extensionOf(fileName);
  return ext && Object.hasOwn(AUDIO_FORMATS, ext) ? AUDIO_FORMATS[ext] : undefined;
}

/** True when the file name has one of the audio extensions we publish. */
export function isAudioFile(fileName: string): boolean {
  return audioFormatOf(fileName) !== undefined;
}
