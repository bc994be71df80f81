import { createHash } from 'node:crypto';

/** `,"sha256":"<64 hex>"}`: the seal that ends a sealed file. */
const SEAL = /,"sha256":"([0-9a-f]{64})"\}$/;
const SEAL_CHARS = 77;

/**
 * Seals a JSON object written in pieces: `body` yields the object's text without its closing
 * brace; this yields the same pieces, then `,"sha256":"…"}` over the UTF-8 of everything before.
 * The result is still plain JSON (older readers see one more key). It defends against what an
 * atomic rename cannot: a byte changed on disk that still parses (a title or a track id altered
 * would otherwise be loaded and published as if true).
 */
export function* sealJson(body: Iterable<string>): Generator<string> {
  const hash = createHash('sha256');
  for (const piece of body) {
    hash.update(piece, 'utf8');
    yield piece;
  }
  yield `,"sha256":"${hash.digest('hex')}"}`;
}

/**
 * `json` (the text of one JSON object, as `JSON.stringify` writes it) sealed like `sealJson`. An
 * empty object is returned as is: there is nothing to alter.
 */
export function sealText(json: string): string {
  const body = json.replace(/\s*\}\s*$/, '');
  if (/^\{\s*$/.test(body)) return json;
  return [...sealJson([body])].join('');
}

/** What `openSealed` found: the JSON text to parse, and whether a seal was there and held. */
export interface Opened {
  /** The text to `JSON.parse` (the whole file when it carries no seal). */
  json: string;
  /** True when the file ends with a seal (files written before seals existed do not). */
  sealed: boolean;
  /** False when the seal does not match the content: the file was altered or damaged. */
  intact: boolean;
}

/**
 * Checks a file written through `sealJson`. A file without a seal (an older version, or one whose
 * seal itself was damaged, leaving the content as written) is returned as is, for the caller's
 * usual parsing and validation.
 */
export function openSealed(text: string): Opened {
  const m = SEAL.exec(text.slice(-SEAL_CHARS));
  if (!m) return { json: text, sealed: false, intact: true };
  const body = text.slice(0, -SEAL_CHARS);
  const intact = createHash('sha256').update(body, 'utf8').digest('hex') === m[1];
  return { json: `${body}}`, sealed: true, intact };
}
