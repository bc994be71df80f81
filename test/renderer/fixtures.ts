import type { TrackInfo } from '../../src/shared/contract';

/** A track for the renderer's unit tests; `extra` overrides any field. */
export const t = (id: string, extra: Partial<TrackInfo> = {}): TrackInfo => ({
  id,
  title: `Song ${id}`,
  artist: 'Maria',
  album: 'First',
  duration: 100,
  fileSizeBytes: 1000,
  mimeType: 'audio/mpeg',
  allowDownload: true,
  folder: '/m',
  relPath: `a/${id}.mp3`,
  format: 'mp3',
  override: 'inherit',
  plays: 0,
  downloads: 0,
  ...extra,
});
