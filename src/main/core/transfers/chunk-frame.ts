/**
 * The three frames that answer a request (PROTOCOL.md section 4), built straight into Buffers.
 * A 64 KiB chunk becomes ~87 KiB of base64; building it by hand avoids JSON.stringify copying the
 * payload through an object and a second string.
 */

const QUOTE = 0x22;
const BRACE = 0x7d;

/** Length of the base64 text of `n` raw bytes (with padding). */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

function chunkHead(requestId: string, seq: number): string {
  // JSON.stringify of the id alone escapes quotes, control characters and lone surrogates.
  return `{"type":"chunk","requestId":${JSON.stringify(requestId)},"seq":${seq},"data":"`;
}

/** Wire size of a `chunk` frame for `requestId` carrying `dataBytes` raw bytes at `seq`. */
export function chunkFrameLength(requestId: string, seq: number, dataBytes: number): number {
  return Buffer.byteLength(chunkHead(requestId, seq)) + base64Length(dataBytes) + 2;
}

/**
 * `{"type":"chunk","requestId":…,"seq":N,"data":"<base64>"}` as one UTF-8 Buffer, so that
 * `JSON.parse` of it gives back exactly `requestId`, `seq` and `data.toString('base64')`.
 * Throws on a seq that is not a non-negative safe integer (a programming error).
 */
export function encodeChunkFrame(requestId: string, seq: number, data: Buffer): Buffer {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`Invalid chunk seq: ${seq}`);
  const head = chunkHead(requestId, seq);
  const headBytes = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headBytes + base64Length(data.length) + 2);
  out.write(head, 0, 'utf8');
  // base64 text is ASCII: latin1 copies it byte for byte without UTF-8 encoding work.
  const written = out.write(data.toString('base64'), headBytes, 'latin1');
  out[headBytes + written] = QUOTE;
  out[headBytes + written + 1] = BRACE;
  return out;
}

/** `{"type":"chunk_end","requestId":…}`: the file is complete. */
export function encodeChunkEnd(requestId: string): Buffer {
  return Buffer.from(JSON.stringify({ type: 'chunk_end', requestId }), 'utf8');
}

/** `{"type":"chunk_error","requestId":…,"message":…}`: the file cannot be (fully) served. */
export function encodeChunkError(requestId: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ type: 'chunk_error', requestId, message }), 'utf8');
}
