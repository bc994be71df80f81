import type { FolderOptions, ManifestTrack, Settings, TrackInfo } from '../../shared/contract';
import { effectiveAllowDownload } from './downloads';
import { playsInBrowser } from './library/browser-play';
import type { LibraryEntry } from './library/library';
import { relPathOf } from './library/root-index';

/** Per-track counters known to the transfer layer. */
export type PlayCounts = ReadonlyMap<string, { plays: number; downloads: number }>;

/** Gap between manifests while nothing scans: coalesces a burst of watcher changes. */
export const PUBLISH_DELAY_MS = 100;

/**
 * Delay before the next manifest while a folder is being scanned: `tracks` are in the index now,
 * `published` were in the last manifest. Each manifest costs work and short-lived memory in
 * proportion to the whole list (build, validate, fingerprint, encode: 19 MiB of JSON at 100k
 * tracks), so a fixed rate makes a scan quadratic. A list half as big again as the last one goes
 * out soon (the lists sent while a library fills add up to about 3x the final one); otherwise
 * changes wait 1 s per 5k tracks (at least 100 ms, at most 30 s). The first tracks after an empty
 * list go at once: on a cold start they are what a listener waits for, and they are few. Pure.
 */
export function partialPublishDelayMs(tracks: number, published: number): number {
  if (published === 0 && tracks > 0) return 0;
  if (tracks >= published * 1.5) return PUBLISH_DELAY_MS;
  return Math.min(30_000, Math.max(PUBLISH_DELAY_MS, Math.round(tracks / 5)));
}

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

/**
 * The window's view of one entry. `serverAllowsDownloads` false (the server allows streaming
 * only) makes every track not downloadable, whatever the user's own policy says. `downloadOnly`
 * marks a format that plays in apps, not in browsers (published only by an app-only folder).
 */
export function toTrackInfo(
  e: LibraryEntry,
  settings: Pick<Settings, 'allowDownloads' | 'folders' | 'trackOverrides'>,
  counts?: PlayCounts,
  serverAllowsDownloads?: boolean,
): TrackInfo {
  const t = toManifestTrack(e, settings, folderPolicies(settings.folders));
  const c = counts?.get(e.id);
  return {
    ...t,
    allowDownload: t.allowDownload && serverAllowsDownloads !== false,
    folder: e.root,
    relPath: relPathOf(e),
    format: e.format,
    override: settings.trackOverrides[e.id] ?? 'inherit',
    plays: c?.plays ?? 0,
    downloads: c?.downloads ?? 0,
    downloadOnly: !playsInBrowser(e.format),
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
  // Every field set, absent ones to undefined (JSON leaves them out): one hidden class for all
  // tracks and no overflow property store, on a list that can hold 100k of them.
  return {
    id: e.id,
    title: e.title,
    fileSizeBytes: e.size,
    mimeType: e.mimeType,
    allowDownload: effectiveAllowDownload(
      settings.allowDownloads,
      policy.get(e.root) ?? 'inherit',
      settings.trackOverrides[e.id],
    ),
    artist: e.artist || undefined,
    album: e.album || undefined,
    duration: e.duration,
  };
}
