import type {
  ConnectionStatus,
  FolderStatus,
  IgnoredCounts,
  IgnoredKind,
  ManifestDelta,
  ManifestTrack,
  TransferTotals,
} from '../../shared/contract';
import { describeIgnored } from '../core/library/file-kinds';
import type { LibraryEntry } from '../core/library/library';
import { formatBytes, formatRate } from '../../shared/units';

/** One line per connection change, never holding the token. */
export function connectionLine(s: ConnectionStatus): string {
  switch (s.state) {
    case 'connected':
      return `connected to ${s.server ?? 'server'} (session ${s.sessionId ?? '?'}), ${s.publishedTracks} tracks published`;
    case 'connecting':
      return `connecting to ${s.server ?? 'server'}…`;
    case 'waiting': {
      const secs = s.nextRetryAt ? Math.max(0, Math.round((s.nextRetryAt - Date.now()) / 1000)) : 0;
      const why = (s.problem?.message ?? 'disconnected').replace(
        /\s*(Retrying|Reconnecting)[^.]*\.$/i,
        '',
      );
      return `${why.replace(/[.;]$/, '')}; retrying in ${secs} s`;
    }
    case 'stopped':
      return `stopped: ${s.problem?.message ?? 'not connected'}`;
    case 'paused':
      return 'sharing paused';
    case 'not-configured':
      return 'not configured: no server or token';
  }
}

/** The periodic transfer summary of the daemon. */
export function totalsLine(t: TransferTotals): string {
  return `served today ${formatBytes(t.bytesToday)} (${t.streamsToday} streams, ${t.downloadsToday} downloads), ${t.active} active, ${t.queued} queued, ${formatRate(t.rate)}`;
}

/** A one-line progress bar for scanning on a TTY. */
export function progressLine(folders: FolderStatus[], width = 24): string {
  let found = 0;
  let parsed = 0;
  let skipped = 0;
  for (const f of folders) {
    if (!f.progress) continue;
    found += f.progress.found;
    parsed += f.progress.parsed;
    skipped += f.progress.skipped;
  }
  const done = parsed + skipped;
  const ratio = found > 0 ? Math.min(1, done / found) : 0;
  const fill = Math.round(ratio * width);
  return `scanning [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${found} files, ${skipped} skipped`;
}

/** The `--scan-only` summary: tracks per format, then every skipped file with its reason. */
export function scanSummary(
  entries: LibraryEntry[],
  manifest: ManifestTrack[],
  folders: FolderStatus[],
): string {
  const perFormat = new Map<string, { count: number; bytes: number }>();
  for (const e of entries) {
    const f = perFormat.get(e.format) ?? { count: 0, bytes: 0 };
    f.count++;
    f.bytes += e.size;
    perFormat.set(e.format, f);
  }
  const lines = [`${manifest.length} tracks to publish`];
  for (const [format, f] of [...perFormat].sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`  ${format.padEnd(6)} ${String(f.count).padStart(7)}  ${formatBytes(f.bytes)}`);
  }
  const skipped = folders.flatMap((f) => f.skipped);
  lines.push(`${skipped.length} files skipped`);
  for (const s of skipped) lines.push(`  ${s.path}: ${s.reason}`);
  const ignored: IgnoredCounts = {};
  for (const f of folders) {
    for (const [kind, n] of Object.entries(f.ignored ?? {}) as [IgnoredKind, number][])
      ignored[kind] = (ignored[kind] ?? 0) + n;
  }
  const notAudio = describeIgnored(ignored);
  lines.push(`${notAudio ? `not audio, ignored: ${notAudio}` : 'no other files'}`);
  for (const f of folders)
    if (f.state === 'offline' || f.state === 'error') lines.push(`! ${f.reason ?? f.path}`);
  return lines.join('\n');
}

/** "library: 2 added, 1 moved" for a change the watcher found; empty when nothing changed. */
export function deltaLine(d: Record<keyof ManifestDelta, readonly unknown[]>): string {
  const parts = [
    [d.added.length, 'added'],
    [d.changed.length, 'changed'],
    [d.removed.length, 'removed'],
    [d.moved.length, 'moved'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  return parts.length > 0 ? `library: ${parts.join(', ')}` : '';
}
