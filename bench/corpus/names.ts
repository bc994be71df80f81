import type { Rng } from './prng';

const WORDS = [
  'Blue',
  'Night',
  'Echo',
  'River',
  'Glass',
  'Static',
  'Velvet',
  'Summer',
  'Iron',
  'Paper',
  'Ghost',
  'Neon',
  'Silver',
  'Hollow',
  'Golden',
  'Quiet',
  'Electric',
  'Wild',
  'Frozen',
  'Distant',
  'Lost',
  'Signal',
  'Garden',
  'Machine',
  'Ocean',
  'Shadow',
  'Fire',
  'Dream',
  'Mirror',
  'Stone',
  'Rain',
];

/** Names that stress Unicode handling: accents, NFD forms, CJK, Cyrillic, Greek, RTL, emoji, symbols. */
const UNICODE = [
  'Björk Ørsted',
  'Motörhead Tribute',
  'Sigur Rós',
  'Ca\u0301fe\u0301 Noir', // NFD: e + combining acute
  '坂本龍一',
  '東京事変',
  'Кино',
  'Аквариум',
  'Ελληνικά Τραγούδια',
  'فيروز',
  'שלום חברים',
  'Mötley Crüe Covers',
  'Ñandú Señor',
  'Žižek Ćevapi',
  '🎸 Guitar Heroes 🎶',
  'AC⚡DC Covers',
  'Łódź Łąka',
  'Ça va ?',
  "Rock 'n' Roll",
  'Simon & Garfunkel',
  'Sunn O)))',
  '[Brackets] {Braces}',
  '#1 Hits 100%',
  'Semi;Colon, Comma',
  'Ünïcödé Ñämé',
];

const GENRES = [
  'Rock',
  'Jazz',
  'Electronic',
  'Classical',
  'Hip-Hop',
  'Folk',
  'Ambient',
  'Metal',
  'Pop',
];

/** A plausible artist, album or track title; about one in six uses non-ASCII or awkward characters. */
export function randomName(rng: Rng, words = 2): string {
  if (rng.chance(0.16)) return rng.pick(UNICODE);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(rng.pick(WORDS));
  return parts.join(' ');
}

/** A genre from a short fixed list. */
export function randomGenre(rng: Rng): string {
  return rng.pick(GENRES);
}

/** A name made safe as one path segment on Linux, macOS and Windows: no separators or reserved characters. */
export function safeSegment(name: string): string {
  const cleaned = [...name]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || '/\\:*?"<>|'.includes(ch) ? '_' : ch))
    .join('')
    .replace(/[. ]+$/, '');
  return cleaned === '' ? '_' : cleaned;
}
