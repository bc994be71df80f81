/**
 * Humanised numbers for the window: sizes, rates, durations, relative times, counts. Pure, so the
 * same strings appear everywhere and are unit-tested in Node. Exact values go in tooltips.
 */

const numberFormat = new Intl.NumberFormat('en-US');

/** Sizes and rates: one implementation for the window, the log and the CLI (src/shared/units.ts). */
export { formatBytes, formatRate } from '../../../shared/units';

/** Integer with thousands separators: 12408 → "12,408". Non-finite values render as "0". */
export function formatCount(n: number): string {
  return numberFormat.format(Number.isFinite(n) ? Math.round(n) : 0);
}

/** "1 track" / "12,408 tracks": count plus a noun in the right number (plural adds "s" unless given). */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : pluralNoun}`;
}

/** Today's served count, the same in every view: "1 stream · 2 downloads". */
export function streamsAndDownloads(streams: number, downloads: number): string {
  return `${plural(streams, 'stream')} · ${plural(downloads, 'download')}`;
}

/** Track length in seconds as "m:ss" or "h:mm:ss"; unknown → "–". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Elapsed time in words for running things: 45 s, 3 min 05 s, 2 h 10 min. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total} s`;
  const m = Math.floor(total / 60);
  if (m < 60) return `${m} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Relative time for past events: "just now", "45 s ago", "3 min ago", "2 h ago", "yesterday",
 * "4 days ago"; a time in the future (clock skew) reads "just now".
 */
export function formatAgo(at: number, now: number = Date.now()): string {
  const s = Math.floor((now - at) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

/** Time until a future moment: "in 12 s", "in 3 min", "now" when due or past. */
export function formatIn(at: number, now: number = Date.now()): string {
  const s = Math.ceil((at - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 60) return `in ${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `in ${m} min` : `in ${Math.round(m / 60)} h`;
}

/** Exact timestamp for tooltips, in the user's locale. */
export function formatExact(at: number): string {
  return new Date(at).toLocaleString();
}

/** Percentage 0..100 (clamped, whole number) of done/total; 0 when total is unknown. */
export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(100, Math.max(0, Math.round((done / total) * 100)));
}
