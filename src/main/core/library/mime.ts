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
  dff: { format: 'dsf', mimeType: 'audio/x-dff' },
  mka: { format: 'mka', mimeType: 'audio/x-matroska' },
  webm: { format: 'webm', mimeType: 'audio/webm' },
});

/** The audio format of a file name or path by its extension (case-insensitive), or undefined if not audio. */
export function audioFormatOf(fileName: string): AudioFormat | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  if (dot <= slash + 1) return undefined; // no extension, or a dot-file like ".mp3"
  const ext = fileName.slice(dot + 1).toLowerCase();
  return Object.hasOwn(AUDIO_FORMATS, ext) ? AUDIO_FORMATS[ext] : undefined;
}

/** True when the file name has one of the audio extensions we publish. */
export function isAudioFile(fileName: string): boolean {
  return audioFormatOf(fileName) !== undefined;
}
