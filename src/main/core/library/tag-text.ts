/**
 * Text from tags that declare no encoding: RIFF INFO without a CSET chunk, ID3v1, AIFF text
 * chunks. The tag reader turns each byte into one character (ISO 8859-1), but ffmpeg and most
 * current taggers write UTF-8 there and older Windows ones Windows-1252: "NoÃ©mie" for "Noémie",
 * and a control character for "’". Pure.
 */
import type { IAudioMetadata } from 'music-metadata';

/** The tag types whose text carries no declared encoding (music-metadata's names for them). */
const UNDECLARED = new Set(['exif', 'ID3v1', 'AIFF']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252 at 0x80-0x9F (elsewhere it is ISO 8859-1); the five undefined bytes stay as they
 * are. Not TextDecoder('windows-1252'): Node 20 decodes that label as ISO 8859-1.
 */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Windows-1252 text of `bytes`. */
function decodeCp1252(bytes: Buffer): string {
  let out = '';
  for (const b of bytes)
    out += b >= 0x80 && b <= 0x9f ? CP1252_C1[b - 0x80] : String.fromCharCode(b);
  return out;
}

/**
 * Re-decodes text that was read one byte per character: as UTF-8 when its bytes are valid UTF-8
 * (and not plain ASCII), otherwise as Windows-1252. Text holding a character above U+00FF was
 * not read that way and is returned as it is.
 */
export function decodeUndeclared(text: string): string {
  let high = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return text;
    if (c >= 0x80) high = true;
  }
  if (!high) return text;
  const bytes = Buffer.from(text, 'latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeCp1252(bytes);
  }
}

/**
 * A function that repairs a value taken from `meta.common` when it came from a tag without a
 * declared encoding (the same text is found among those tags' native values), and leaves text
 * from tags that declare theirs (ID3v2, Vorbis comments, MP4, APE…) alone.
 */
export function undeclaredTextRepair(
  native: IAudioMetadata['native'] | undefined,
): (value: string | undefined) => string | undefined {
  // Keyed as the common value shows it: the reader drops the C1 controls (bytes 0x80-0x9F, where
  // Windows-1252 keeps ’ – “ ”), so the native value is the one that still has every byte.
  const raw = new Map<string, string>();
  for (const [type, tags] of Object.entries(native ?? {})) {
    if (!UNDECLARED.has(type)) continue;
    for (const t of tags) if (typeof t.value === 'string') raw.set(key(t.value), t.value);
  }
  if (raw.size === 0) return (v) => v;
  return (v) => {
    const original = v === undefined ? undefined : raw.get(key(v));
    return original === undefined ? v : decodeUndeclared(original).trim();
  };
}

// eslint-disable-next-line no-control-regex
const key = (s: string) => s.replace(/[\u0000-\u001f\u0080-\u009f]/g, '').trim();
