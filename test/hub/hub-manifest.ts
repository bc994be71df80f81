/**
 * How a TuneCamp server accepts a manifest (PROTOCOL.md section 3): all or nothing, silently.
 * Kept apart from the emulator so tests can check our client-side validation against it.
 */
import type { ManifestTrack } from '../../src/shared/contract';

const FIELDS = [
  'id',
  'title',
  'artist',
  'album',
  'duration',
  'fileSizeBytes',
  'mimeType',
  'allowDownload',
] as const;

/**
 * The server's acceptance rule: an array of objects, each with a non-empty string title, unique ids,
 * primitive values only. Returns the stored list (only the 8 known fields) or null to keep the old one.
 */
export function acceptManifest(tracks: unknown): ManifestTrack[] | null {
  if (!Array.isArray(tracks)) return null;
  const ids = new Set<string>();
  const out: ManifestTrack[] = [];
  for (const t of tracks) {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) return null;
    const rec = t as Record<string, unknown>;
    if (Object.values(rec).some((v) => v !== null && typeof v === 'object')) return null;
    if (typeof rec.title !== 'string' || rec.title === '') return null;
    const id = String(rec.id);
    if (ids.has(id)) return null;
    ids.add(id);
    const kept: Record<string, unknown> = {};
    for (const f of FIELDS) if (rec[f] !== undefined) kept[f] = rec[f];
    out.push(kept as unknown as ManifestTrack);
  }
  return out;
}
