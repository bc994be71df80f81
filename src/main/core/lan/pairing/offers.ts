/**
 * One-time pairing offers, kept in `<stateDir>/pair-offers.json` so that `tunecamp-share
 * pair-link` can make one while the daemon serves it. Only a hash of each secret is stored; an
 * offer lasts two minutes and works once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';

/** How long a pairing link works. */
export const OFFER_TTL_MS = 2 * 60_000;
const FILE = 'pair-offers.json';

interface Offer {
  hash: string;
  expiresAt: number;
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

async function read(stateDir: string): Promise<Offer[]> {
  try {
    const v = JSON.parse(await readFile(path.join(stateDir, FILE), 'utf8')) as { offers?: unknown };
    if (!Array.isArray(v.offers)) return [];
    return v.offers.filter(
      (o): o is Offer =>
        typeof o?.hash === 'string' &&
        /^[0-9a-f]{64}$/.test(o.hash) &&
        typeof o.expiresAt === 'number',
    );
  } catch {
    return [];
  }
}

async function write(stateDir: string, offers: Offer[]): Promise<void> {
  await writeFileAtomic(path.join(stateDir, FILE), JSON.stringify({ offers }), { mode: 0o600 });
}

/** Makes an offer; returns its secret (shown once, in the link). */
export async function createOffer(stateDir: string, now = Date.now()): Promise<string> {
  const secret = randomBytes(16).toString('base64url');
  const live = (await read(stateDir)).filter((o) => o.expiresAt > now);
  await write(stateDir, [...live, { hash: hashOf(secret), expiresAt: now + OFFER_TTL_MS }]);
  return secret;
}

/** Uses up the offer whose secret this is: 'ok', or why not. */
export async function consumeOffer(
  stateDir: string,
  secret: string,
  now = Date.now(),
): Promise<'ok' | 'expired' | 'unknown'> {
  const offers = await read(stateDir);
  const want = Buffer.from(hashOf(secret), 'hex');
  // Compared in constant time, so timing says nothing about how close a guess was.
  const match = offers.find((o) => timingSafeEqual(Buffer.from(o.hash, 'hex'), want));
  const rest = offers.filter((o) => o !== match && o.expiresAt > now);
  if (match || rest.length !== offers.length) await write(stateDir, rest);
  if (!match) return 'unknown';
  return match.expiresAt > now ? 'ok' : 'expired';
}
