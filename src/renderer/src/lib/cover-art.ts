/**
 * Pure helpers of cover images: a stable hue per album for the placeholder (so an album without
 * art still reads as one block of colour), and what the image element should show.
 */

/** A 32-bit FNV-1a hash of a string. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The placeholder hue (0-359) of an album, from its artist and title. */
export function placeholderHue(seed: string): number {
  return hash32(seed) % 360;
}

/** The album key tracks share a placeholder colour by. */
export function albumSeed(t: { artist?: string; album?: string; folder?: string }): string {
  return t.album ? `${t.artist ?? ''}\u0000${t.album}` : (t.folder ?? '');
}

/** What a cover shows: `loading` (placeholder under a pending image), the image, or `none`. */
export type CoverStatus = 'loading' | 'loaded' | 'none';

/**
 * The status of a cover element for `src`, given what it and earlier elements saw: an address
 * that answered with no image is not asked again; one that loaded before shows at once.
 */
export function coverStatus(
  src: string | undefined,
  seen: { loaded: ReadonlySet<string>; missing: ReadonlySet<string> },
  own: { loaded?: string; failed?: string },
): CoverStatus {
  if (!src || own.failed === src || seen.missing.has(src)) return 'none';
  return own.loaded === src || seen.loaded.has(src) ? 'loaded' : 'loading';
}
