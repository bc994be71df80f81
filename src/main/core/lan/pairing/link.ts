/**
 * Pairing links: `tcshare://pair?addr=HOST:PORT&id=<device id>&s=<one-time secret>`. The link
 * carries the host's full device id, so the device that opens it pins the host's certificate
 * before sending anything (no window for a man in the middle), and the secret proves the link
 * came from the host's user. Parsed as hostile input.
 */
import { isIP } from 'node:net';

/** What a pairing link holds. */
export interface PairLink {
  host: string;
  port: number;
  /** The host's device id (64 lowercase hex). */
  id: string;
  /** 128 random bits, base64url. */
  secret: string;
}

/** Writes a link. */
export function formatPairLink(l: PairLink): string {
  const host = isIP(l.host) === 6 ? `[${l.host}]` : l.host;
  return `tcshare://pair?addr=${host}:${l.port}&id=${l.id}&s=${l.secret}`;
}

/** Reads a link; a string says what is wrong with it, in words. */
export function parsePairLink(text: string): PairLink | string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'this is not a pairing link (tcshare://pair?…)';
  }
  if (url.protocol !== 'tcshare:' || (url.hostname || url.pathname.replace(/^\/+/, '')) !== 'pair')
    return 'this is not a pairing link (tcshare://pair?…)';
  const addr = url.searchParams.get('addr') ?? '';
  const m = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d{1,5})$/.exec(addr);
  const host = m ? m[1]!.replace(/^\[|\]$/g, '') : '';
  const port = m ? Number(m[2]) : 0;
  if (!m || isIP(host) === 0 || port < 1 || port > 65535)
    return 'the link has no usable address (addr=IP:PORT)';
  const id = url.searchParams.get('id') ?? '';
  if (!/^[0-9a-f]{64}$/.test(id)) return 'the link has no valid device id';
  const secret = url.searchParams.get('s') ?? '';
  if (!/^[A-Za-z0-9_-]{22}$/.test(secret)) return 'the link has no valid one-time secret';
  return { host, port, id, secret };
}
