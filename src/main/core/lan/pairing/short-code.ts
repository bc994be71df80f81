/**
 * Pairing by name: the short code both screens show. A device found by mDNS carries no secret, so
 * its users compare a code instead; both sides derive it from what they saw in the mutual TLS
 * session (the two certificates' ids) and one nonce from each side. A man in the middle holds two
 * sessions with its own certificates, so the two screens show codes of different sessions.
 *
 * The nonces are committed before they are revealed (the initiator sends a hash of its nonce
 * first, the responder answers with its nonce, then the initiator reveals), so neither side, nor
 * anyone between them, can choose its nonce after seeing the other's: a forger gets one guess in
 * a million per attempt, and attempts are rate-limited.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Digits in the code (one in a million per guess). */
export const CODE_DIGITS = 6;

/** A fresh nonce: 32 random bytes, base64url. */
export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** The commitment to a nonce, sent before the nonce itself. */
export function commitTo(nonce: string): string {
  return createHash('sha256').update(`tunecamp-share:commit:${nonce}`).digest('hex');
}

/** True when `nonce` is the one `commitment` was made to (compared in constant time). */
export function opens(commitment: string, nonce: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(commitment)) return false;
  return timingSafeEqual(Buffer.from(commitment, 'hex'), Buffer.from(commitTo(nonce), 'hex'));
}

/** Nonces as sent on the wire: 43 base64url characters (32 bytes). */
export function isNonce(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);
}

/**
 * The code for a session between `initiatorId` and `responderId` (device ids as each side saw
 * them) with both nonces: six digits, shown as "123 456".
 */
export function shortCode(
  initiatorId: string,
  responderId: string,
  initiatorNonce: string,
  responderNonce: string,
): string {
  const h = createHash('sha256')
    .update(`tunecamp-share:sas:v1\n${initiatorId}\n${responderId}\n`)
    .update(`${initiatorNonce}\n${responderNonce}`)
    .digest();
  // 48 bits reduced mod 10^6: the bias is below 2^-28.
  const n = h.readUIntBE(0, 6) % 10 ** CODE_DIGITS;
  const digits = String(n).padStart(CODE_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
