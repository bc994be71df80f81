/** How the files a scan left out as not audio are named, in the log, the CLI and the window. */
import type { IgnoredCounts, IgnoredKind } from './contract';

const LABELS: Record<IgnoredKind, [one: string, many: string]> = {
  image: ['image', 'images'],
  text: ['text or document', 'texts and documents'],
  playlist: ['playlist or cue sheet', 'playlists and cue sheets'],
  system: ['system file', 'system files'],
  excluded: ['file excluded by your patterns', 'files excluded by your patterns'],
  other: ['other file', 'other files'],
};

/** "2 images, 1 text or document", in a fixed order, or '' when nothing was left out. */
export function describeIgnored(counts: IgnoredCounts | undefined): string {
  const parts: string[] = [];
  for (const kind of Object.keys(LABELS) as IgnoredKind[]) {
    const n = counts?.[kind] ?? 0;
    if (n > 0) parts.push(`${n} ${LABELS[kind][n === 1 ? 0 : 1]}`);
  }
  return parts.join(', ');
}
