/**
 * Generated album art for the mock engine, so screenshots and development show what a library
 * with covers looks like: a small SVG per album (gradient and one motif), as a data: URL the CSP
 * allows. About one album in five has none, to show the placeholder too. Deterministic.
 */

import { hash32 } from '../cover-art';

const MOTIFS = [
  // A low sun over a horizon.
  (c: string) =>
    `<circle cx="32" cy="40" r="16" fill="${c}" opacity=".85"/><rect y="44" width="64" height="20" fill="#000" opacity=".25"/>`,
  // Concentric rings, like a record.
  (c: string) =>
    `<g fill="none" stroke="${c}" stroke-width="3" opacity=".7"><circle cx="32" cy="32" r="22"/><circle cx="32" cy="32" r="14"/><circle cx="32" cy="32" r="6"/></g>`,
  // Diagonal bands.
  (c: string) =>
    `<g stroke="${c}" stroke-width="7" opacity=".55"><path d="M-8 24 L24 -8"/><path d="M-8 48 L48 -8"/><path d="M8 72 L72 8"/></g>`,
  // A grid of dots.
  (c: string) =>
    `<g fill="${c}" opacity=".75">${[12, 26, 40, 54]
      .flatMap((x) =>
        [12, 26, 40, 54].map((y) => `<circle cx="${x}" cy="${y}" r="${(x + y) % 3 ? 3 : 5}"/>`),
      )
      .join('')}</g>`,
];

const cache = new Map<string, string | undefined>();

/** The mock cover of an album, or undefined for the albums that have none. */
export function mockCoverArt(artist: string, album: string): string | undefined {
  const key = `${artist}\u0000${album}`;
  if (cache.has(key)) return cache.get(key);
  const h = hash32(key);
  let url: string | undefined;
  if (h % 5 !== 0) {
    const hue = h % 360;
    const hue2 = (hue + 40 + ((h >>> 9) % 80)) % 360;
    const ink = `hsl(${(hue + 180) % 360} 80% 80%)`;
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">` +
      `<defs><linearGradient id="g" x2="1" y2="1"><stop stop-color="hsl(${hue} 60% 48%)"/>` +
      `<stop offset="1" stop-color="hsl(${hue2} 65% 24%)"/></linearGradient></defs>` +
      `<rect width="64" height="64" fill="url(#g)"/>${MOTIFS[(h >>> 4) % MOTIFS.length]!(ink)}</svg>`;
    url = `data:image/svg+xml,${encodeURIComponent(svg)}`;
  }
  cache.set(key, url);
  return url;
}
