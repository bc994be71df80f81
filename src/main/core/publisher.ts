import type { FolderOptions, ManifestTrack, Settings, TrackInfo } from '../../shared/contract';
import { effectiveAllowDownload } from './downloads';
import type { LibraryEntry } from './library/library';

/** Per-track counters known to the transfer layer. */
export type PlayCounts = ReadonlyMap<string, { plays: number; downloads: number }>;

/**
 * The manifest to publish: one track per id, only from folders that are online, each carrying its
 * effective download permission. Pure: the same inputs always give the same list.
 */
export function buildManifest(
  entries: Iterable<LibraryEntry>,
  settings: Pick<Settings, 'allowDownloads' | 'folders' | 'trackOverrides'>,
  offlineRoots: ReadonlySet<string>,
): ManifestTrack[] {
  const policy = folderPolicies(settings.folders);
  const out: ManifestTrack[] = [];
  for (const e of entries) {
    if (offlineRoots.has(e.root)) continue;
    out.push(toManifestTrack(e, settings, policy));
  }
  return out;
}

/** The window's view of one entry. */
export function toTrackInfo(
  e: LibraryEntry,
  settings: Pick<Settings, 'allowDownloads' | 'folders' | 'trackOverrides'>,
  counts?: PlayCounts,
): TrackInfo {
  const t = toManifestTrack(e, settings, folderPolicies(settings.folders));
  const c = counts?.get(e.id);
  return {
    ...t,
    folder: e.root,
    relPath: e.relPath,
    format: e.format,
    override: settings.trackOverrides[e.id] ?? 'inherit',
    plays: c?.plays ?? 0,
    downloads: c?.downloads ?? 0,
  };
}

function folderPolicies(folders: readonly FolderOptions[]): Map<string, FolderOptions['download']> {
  return new Map(folders.map((f) => [f.path, f.download]));
}

function toManifestTrack(
  e: LibraryEntry,
  settings: Pick<Settings, 'allowDownloads' | 'trackOverrides'>,
  policy: Map<string, FolderOptions['download']>,
): ManifestTrack {
  const t: ManifestTrack = {
    id: e.id,
    title: e.title,
    fileSizeBytes: e.size,
    mimeType: e.mimeType,
    allowDownload: effectiveAllowDownload(
      settings.allowDownloads,
      policy.get(e.root) ?? 'inherit',
      settings.trackOverrides[e.id],
    ),
  };
  if (e.artist) t.artist = e.artist;
  if (e.album) t.album = e.album;
  if (e.duration !== undefined) t.duration = e.duration;
  return t;
}
