/**
 * The `Range` header of RFC 9110 section 14, single byte ranges only. Pure: a header value and a
 * size in, a decision out. Anything this parser does not serve as one range (several ranges,
 * another unit, bad syntax) is ignored, and the caller sends the whole file with 200: that is
 * always conformant (section 14.2), and no audio client sends several ranges (LAN notes 1.2).
 */

/** What to do with a request's `Range` header. */
export type RangeDecision =
  /** Ignore it: no header, another unit, several ranges or malformed. Serve 200 with everything. */
  | { kind: 'none' }
  /** Serve `start..end` (inclusive) with 206. */
  | { kind: 'range'; start: number; end: number }
  /** Nothing of it lies in the file: 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const NONE: RangeDecision = { kind: 'none' };
/** Longer digit strings are beyond any file size (and beyond exact doubles): treat as infinite. */
const MAX_DIGITS = 15;
/** A header this long is nobody's single range; not worth scanning. */
const MAX_HEADER = 256;

/** Decimal digits only (RFC 9110 `1*DIGIT`); `Infinity` when too long to matter, NaN when not digits. */
function digits(s: string): number {
  if (s.length === 0) return NaN;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  return s.length > MAX_DIGITS ? Infinity : Number(s);
}

/** `a < b` for strings of decimal digits of any length. */
function decimalLess(a: string, b: string): boolean {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length !== y.length ? x.length < y.length : x < y;
}

/** Trims optional whitespace (space and tab only, RFC 9110 `OWS`). */
function ows(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return s.slice(a, b);
}

/**
 * Decides how to answer `Range: <header>` for a representation of `size` bytes (RFC 9110 14.1.2):
 * `A-B` (B clamped to the last byte), `A-`, and suffix `-N` (the last N bytes; more than the file
 * means all of it). An int-range starting at or past the end, or `-0`, is unsatisfiable. A range
 * whose last position is before its first is invalid, so the header is ignored. The unit name is
 * case-insensitive; empty list elements are skipped (section 5.6.1.2). A zero-length file has no
 * byte to serve: a suffix range gets it whole (200), any other range is unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || header.length > MAX_HEADER) return NONE;
  const eq = header.indexOf('=');
  // The unit is a token (no whitespace), compared case-insensitively (RFC 9110 14.1).
  if (eq < 0 || header.slice(0, eq).toLowerCase() !== 'bytes') return NONE;
  // Node already trimmed the field value; an element may still carry OWS around commas.
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map(ows)
    .filter((s) => s !== '');
  if (specs.length !== 1) return NONE;
  const spec = specs[0] as string;
  const dash = spec.indexOf('-');
  if (dash < 0) return NONE;
  const firstText = spec.slice(0, dash);
  const lastText = spec.slice(dash + 1);
  if (firstText === '') {
    const n = digits(lastText);
    if (Number.isNaN(n)) return NONE;
    if (n === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return NONE;
    return { kind: 'range', start: Math.max(0, size - n), end: size - 1 };
  }
  const first = digits(firstText);
  const last = lastText === '' ? Infinity : digits(lastText);
  if (Number.isNaN(first) || Number.isNaN(last)) return NONE;
  // Compared as digit strings: two positions too long for doubles are both Infinity.
  if (lastText !== '' && decimalLess(lastText, firstText)) return NONE;
  if (first >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start: first, end: Math.min(last, size - 1) };
}
