/**
 * Conditional requests (RFC 9110 section 13) against a track's validators. Pure functions over
 * header values, evaluated in the order of section 13.2.2.
 */

/** A representation's validators: a strong entity tag (`"…"`) and its Last-Modified time. */
export interface Validators {
  etag: string;
  /** Epoch ms, whole seconds (HTTP dates have no finer unit). */
  lastModified: number;
}

/** Headers the evaluation reads (lower-case names, as Node gives them). */
export interface ConditionalHeaders {
  'if-match'?: string;
  'if-none-match'?: string;
  'if-modified-since'?: string;
  'if-unmodified-since'?: string;
  'if-range'?: string;
}

/** Outcome: go on (honouring Range or not), or answer 412 / 304 at once. */
export type Precondition = { status: 412 | 304 } | { status: 'ok'; honourRange: boolean };

/** A strong entity tag for a track: its content id and mtime, never `W/` (VLC's If-Match needs strong). */
export function strongEtag(id: string, mtimeMs: number): string {
  // The id fingerprints size and sampled bytes; the mtime catches an edit between the samples.
  return `"${id}-${Math.floor(mtimeMs).toString(36)}"`;
}

/** Parses an HTTP-date (any of the three forms); NaN when it is not one. */
export function parseHttpDate(value: string | undefined): number {
  if (value === undefined || value.length > 64) return NaN;
  // Date.parse also takes ISO and bare numbers, which HTTP does not: require a month name.
  if (!/[A-Za-z]{3}/.test(value)) return NaN;
  return Date.parse(value);
}

/** The entity tags of an If-Match / If-None-Match list; `['*']` for the wildcard. */
export function parseEtagList(value: string): string[] {
  const out: string[] = [];
  const re = /\s*(\*|(?:W\/)?"[^"]*")\s*(?:,|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < value.length && (m = re.exec(value)) !== null) out.push(m[1] as string);
  return out;
}

/** Strong comparison (RFC 9110 8.8.3.2): both strong and identical. */
function strongMatch(tag: string, etag: string): boolean {
  return !tag.startsWith('W/') && tag === etag;
}

/** Weak comparison: identical once any `W/` is set aside. */
function weakMatch(tag: string, etag: string): boolean {
  const strip = (t: string) => (t.startsWith('W/') ? t.slice(2) : t);
  return strip(tag) === strip(etag);
}

/**
 * Evaluates the preconditions of a GET or HEAD for a representation with validators `v`:
 * If-Match (strong) or else If-Unmodified-Since → 412; If-None-Match (weak) or else
 * If-Modified-Since → 304; then If-Range (`hasRange` only): an entity tag by strong comparison,
 * or a date equal to Last-Modified. A failed If-Range means "send everything" (200), not an error.
 */
export function evaluatePreconditions(
  h: ConditionalHeaders,
  v: Validators,
  hasRange: boolean,
): Precondition {
  const ifMatch = h['if-match'];
  if (ifMatch !== undefined) {
    const tags = parseEtagList(ifMatch);
    if (!tags.some((t) => t === '*' || strongMatch(t, v.etag))) return { status: 412 };
  } else {
    const since = parseHttpDate(h['if-unmodified-since']);
    if (!Number.isNaN(since) && v.lastModified > since) return { status: 412 };
  }
  const ifNoneMatch = h['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = parseEtagList(ifNoneMatch);
    if (tags.some((t) => t === '*' || weakMatch(t, v.etag))) return { status: 304 };
  } else {
    const since = parseHttpDate(h['if-modified-since']);
    if (!Number.isNaN(since) && v.lastModified <= since) return { status: 304 };
  }
  const ifRange = h['if-range'];
  if (!hasRange || ifRange === undefined) return { status: 'ok', honourRange: hasRange };
  // RFC 9110 13.1.5: a weak tag never matches; a date must equal Last-Modified exactly.
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    return { status: 'ok', honourRange: strongMatch(ifRange, v.etag) };
  }
  return { status: 'ok', honourRange: parseHttpDate(ifRange) === v.lastModified };
}
