/**
 * The TXT record of a `_tunecamp-share._tcp` service: what one instance says about itself on the
 * LAN. Parsed as hostile input: anyone on the network can send mDNS, so a record that does not
 * fit exactly is dropped, and nothing in it is trusted beyond a hint (trust comes from pairing).
 */

/** The DNS-SD service type (14 characters, within RFC 6763's 15). */
export const SERVICE_TYPE = 'tunecamp-share';
/** The LAN protocol version this build speaks. */
export const LAN_PROTOCOL_VERSION = 1;

/** What a peer advertises. */
export interface PeerTxt {
  /** The device id (its certificate's SHA-256): 64 lowercase hex characters. */
  id: string;
  /** Its LAN protocol version. */
  version: number;
  /** Its pairing listener's port (mutual TLS), when it announces one. */
  pairPort?: number;
}

/** The TXT strings for this device (RFC 6763 §6: a version key first, short keys). */
export function buildTxt(id: string): Record<string, string> {
  return { txtvers: '1', id, pv: String(LAN_PROTOCOL_VERSION) };
}

const ID = /^[0-9a-f]{64}$/;

/**
 * Reads a TXT record given as its raw strings (`key=value` buffers, as multicast-dns returns
 * them); null when it is not one of ours or is malformed.
 */
export function parseTxt(strings: readonly (Buffer | string)[]): PeerTxt | null {
  const map = new Map<string, string>();
  let total = 0;
  for (const raw of strings) {
    const s = typeof raw === 'string' ? raw : raw.toString('utf8');
    total += s.length;
    // RFC 6763 §6.1-6.2: each string ≤ 255 bytes; ours are short, so a big record is not ours.
    if (s.length > 255 || total > 1300) return null;
    const eq = s.indexOf('=');
    if (eq <= 0) continue;
    const key = s.slice(0, eq).toLowerCase();
    // §6.4: the first occurrence of a key wins.
    if (!map.has(key)) map.set(key, s.slice(eq + 1));
  }
  if (map.get('txtvers') !== '1') return null;
  const id = map.get('id') ?? '';
  const version = Number(map.get('pv'));
  if (!ID.test(id) || !Number.isInteger(version) || version < 1 || version > 1000) return null;
  const tp = Number(map.get('tp'));
  return Number.isInteger(tp) && tp > 0 && tp < 65536
    ? { id, version, pairPort: tp }
    : { id, version };
}
