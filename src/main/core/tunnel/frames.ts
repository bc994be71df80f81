/**
 * Server-to-client frames of the peer tunnel, validated where they enter (PROTOCOL.md section 2),
 * and the encoder for client frames. Pure. Nothing a hostile server sends can throw out of here.
 */

/** A validated server frame, or the reason it was dropped. */
export type ServerFrame =
  | { type: 'auth_ok'; sessionId: string }
  | { type: 'ping' }
  | { type: 'stream_request'; requestId: string; trackId: string }
  | { type: 'download_request'; requestId: string; trackId: string }
  | { type: 'cancel_request'; requestId: string }
  /** A request we cannot serve but can answer: it carries a requestId, and the rest is malformed. */
  | { type: 'bad_request'; requestId: string; reason: string }
  | { type: 'system'; text: string }
  | { type: 'chat'; name: string }
  | { type: 'unknown'; name: string }
  | { type: 'invalid'; reason: string };

/** Client-to-server frames we send. `chunk` is encoded by the transfer layer for speed. */
export type ClientFrame =
  | { type: 'pong' }
  | { type: 'manifest'; tracks: unknown[] }
  | { type: 'chunk'; requestId: string; seq: number; data: string }
  | { type: 'chunk_end'; requestId: string }
  | { type: 'chunk_error'; requestId: string; message: string };

/** Chat traffic shares the socket; these are ignored quietly (system text is surfaced). */
const CHAT_TYPES = new Set(['chat', 'pubkey', 'kicked', 'clear_history', 'chat_ack', 'rtc_signal']);

/** Longest id we accept from the server; ids are opaque keys into the library map, never paths. */
export const MAX_ID_LENGTH = 200;
const MAX_SYSTEM_TEXT = 2_000;

/**
 * Parse one frame as `ws` delivers it (Buffer, Buffer[], ArrayBuffer or string). Binary frames,
 * invalid JSON, non-objects and frames with missing or malformed fields become `invalid`; unknown
 * types become `unknown`. Never throws.
 */
export function parseServerFrame(data: unknown, isBinary: boolean): ServerFrame {
  if (isBinary) return invalid('binary frame');
  const text = toText(data);
  if (text === null) return invalid('unreadable frame');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('not JSON');
  }
  if (!isRecord(value)) return invalid('not a JSON object');
  const type = value.type;
  if (typeof type !== 'string' || !type) return invalid('no type');
  switch (type) {
    case 'auth_ok':
      return isId(value.sessionId)
        ? { type, sessionId: value.sessionId }
        : invalid('auth_ok without sessionId');
    case 'ping':
      return { type };
    case 'stream_request':
    case 'download_request':
      if (!isId(value.requestId)) {
        // Still answerable: the listener's HTTP request waits on this id until it gets an answer.
        return isAnswerableId(value.requestId)
          ? { type: 'bad_request', requestId: value.requestId, reason: 'invalid request id' }
          : invalid(`${type} without a valid requestId`);
      }
      if (!isId(value.trackId)) {
        return { type: 'bad_request', requestId: value.requestId, reason: 'no valid track id' };
      }
      return { type, requestId: value.requestId, trackId: value.trackId };
    case 'cancel_request':
      return isId(value.requestId)
        ? { type, requestId: value.requestId }
        : invalid('cancel_request without requestId');
    case 'system':
      return { type, text: systemText(value) };
    default:
      if (CHAT_TYPES.has(type)) return { type: 'chat', name: type };
      return { type: 'unknown', name: type.slice(0, 64) };
  }
}

/** Encode a client frame as one JSON text frame. */
export function encodeFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}

/** The pong, pre-encoded: it is sent the moment a ping arrives. */
export const PONG_FRAME = encodeFrame({ type: 'pong' });

/**
 * True for a usable id: a non-empty string of at most 200 characters without control characters.
 * Ids that look like paths are still accepted as opaque keys; the transfer layer resolves them
 * only through the library map, so `../etc/passwd` simply finds no track.
 */
export function isId(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID_LENGTH) return false;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 0x20) return false;
  return true;
}

/** Longest request id echoed back in a chunk_error (JSON escapes whatever it holds). */
const MAX_ANSWERED_ID = 1_000;

function isAnswerableId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ANSWERED_ID;
}

function systemText(v: Record<string, unknown>): string {
  const raw = [v.text, v.message, v.content].find((x) => typeof x === 'string');
  return typeof raw === 'string' ? raw.slice(0, MAX_SYSTEM_TEXT) : '';
}

function toText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data) && data.every((d) => Buffer.isBuffer(d)))
    return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(reason: string): ServerFrame {
  return { type: 'invalid', reason };
}
