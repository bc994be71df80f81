/**
 * Manifest validation before sending (PROTOCOL.md section 3). The server takes a manifest all or
 * nothing and silently keeps the old list when one track is bad, so we repair or drop bad tracks
 * here, report why, and send only lists the server will accept. Pure.
 */
import { createHash } from 'node:crypto';
import type { ManifestTrack } from '../../../shared/contract';
import { isId } from './frames';

/** The validated list and a human-readable line for each repair or drop. */
export interface ValidatedManifest {
  tracks: ManifestTrack[];
  problems: string[];
}

/**
 * Validate a manifest: unique ids (later duplicates dropped), non-empty titles (the id as a last
 * resort; callers fall back to the file name before this), only the 8 known fields, primitive
 * values only, `fileSizeBytes` a non-negative safe integer, `duration` finite and ≥ 0 or omitted,
 * a non-empty `mimeType` and a boolean `allowDownload`. Tracks that cannot be repaired are dropped.
 */
export function validateManifest(tracks: readonly ManifestTrack[]): ValidatedManifest {
  const out: ManifestTrack[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const raw of tracks as readonly unknown[]) {
    const t = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (isClean(t) && !seen.has(t.id)) {
      // Nothing to repair (the engine's own lists): keep the object rather than copy it, so a big
      // list is not held twice while it is published.
      seen.add(t.id);
      out.push(t);
      continue;
    }
    const id = t.id;
    if (!isId(id)) {
      problems.push(`Dropped a track with an invalid id (${describe(id)}).`);
      continue;
    }
    if (seen.has(id)) {
      problems.push(`Dropped a duplicate of track ${id}.`);
      continue;
    }
    const size = t.fileSizeBytes;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      problems.push(`Dropped track ${id}: file size ${describe(size)} is not a byte count.`);
      continue;
    }
    seen.add(id);
    const title = cleanString(t.title) || id;
    const track: ManifestTrack = {
      id,
      title,
      fileSizeBytes: size,
      mimeType: cleanString(t.mimeType) || 'application/octet-stream',
      allowDownload: t.allowDownload !== false,
    };
    if (!cleanString(t.mimeType))
      problems.push(`Track ${id} has no MIME type; sent as application/octet-stream.`);
    const artist = cleanString(t.artist);
    if (artist) track.artist = artist;
    const album = cleanString(t.album);
    if (album) track.album = album;
    if (typeof t.duration === 'number' && Number.isFinite(t.duration) && t.duration >= 0)
      track.duration = t.duration;
    out.push(track);
  }
  return { tracks: out, problems };
}

const KNOWN_FIELDS = new Set([
  'id',
  'title',
  'fileSizeBytes',
  'mimeType',
  'allowDownload',
  'artist',
  'album',
  'duration',
]);

/** A non-empty string without surrounding white space (what cleanString would leave as is). */
const isTrimmed = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.trim() === v;

/**
 * True when validation would keep this track exactly as it is: only known fields (optional ones
 * may be undefined: JSON leaves them out), each already in its valid form.
 */
function isClean(t: Record<string, unknown>): t is Record<string, unknown> & ManifestTrack {
  for (const k in t) if (!KNOWN_FIELDS.has(k)) return false;
  const size = t.fileSizeBytes;
  const d = t.duration;
  return (
    isId(t.id) &&
    isTrimmed(t.title) &&
    typeof size === 'number' &&
    Number.isSafeInteger(size) &&
    size >= 0 &&
    isTrimmed(t.mimeType) &&
    typeof t.allowDownload === 'boolean' &&
    (t.artist === undefined || isTrimmed(t.artist)) &&
    (t.album === undefined || isTrimmed(t.album)) &&
    (d === undefined || (typeof d === 'number' && Number.isFinite(d) && d >= 0))
  );
}

/** Tracks encoded per piece of the frame: small strings that die young, never one of the whole list. */
const ENCODE_BATCH = 512;
/** Below this the encoder's buffer is not worth shrinking. */
const MIN_ARENA = 1024 * 1024;

/**
 * Encodes manifest frames as UTF-8, byte for byte `encodeFrame({ type: 'manifest', tracks })`,
 * into one buffer it reuses. A 100k list is 19 MiB of JSON (38 MiB as a V8 string once a single
 * name is outside Latin-1); encoded the plain way, each publish left that string, the Buffer made
 * from it and the previous frames as garbage, and buffers outside V8's heap are freed only when a
 * collection happens to run: peaks held three or four frames. Here pieces of 512 tracks are
 * written into the same buffer, which grows when a list outgrows it and shrinks when it falls to
 * a quarter.
 *
 * The frame returned is a view of that buffer: it is overwritten by the next `encode`, so the
 * caller encodes again only once the socket has taken the previous frame (its write callback).
 */
export class ManifestEncoder {
  private arena = Buffer.alloc(0);

  encode(tracks: readonly ManifestTrack[]): Buffer {
    let at = 0;
    const put = (text: string) => {
      const need = at + Buffer.byteLength(text);
      if (need > this.arena.length) this.grow(need, at, tracks.length);
      at += this.arena.write(text, at);
    };
    put('{"type":"manifest","tracks":[');
    for (let i = 0; i < tracks.length; i += ENCODE_BATCH) {
      const end = Math.min(tracks.length, i + ENCODE_BATCH);
      let text = i === 0 ? '' : ',';
      for (let j = i; j < end; j++) text += (j === i ? '' : ',') + JSON.stringify(tracks[j]);
      put(text);
    }
    put(']}');
    if (this.arena.length > MIN_ARENA && at < this.arena.length / 4) {
      this.arena = Buffer.from(this.arena.subarray(0, at)); // a copy of exactly the frame
    }
    return this.arena.subarray(0, at);
  }

  /** A bigger buffer holding the `used` bytes so far; sized for the whole list on the first piece. */
  private grow(need: number, used: number, tracks: number): void {
    const size = Math.max(need, Math.ceil(this.arena.length * 1.5), tracks * 220, 64 * 1024);
    const next = Buffer.allocUnsafe(size); // only the bytes written are ever read
    this.arena.copy(next, 0, 0, used);
    this.arena = next;
  }
}

/**
 * A fingerprint of an encoded manifest frame, so an identical list is not resent on the same
 * session. Taken over the JSON about to be sent anyway: one native hash pass, where hashing the
 * tracks one by one in script cost twice the encoding itself (40-60 ms at 20k tracks).
 */
export function frameFingerprint(encoded: string | Buffer): string {
  return createHash('sha1').update(encoded).digest('base64');
}

function cleanString(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 40));
  return typeof v === 'number' ? String(v) : typeof v;
}
