/**
 * The other side of a pairing link: connect to the host's peer listener with our certificate,
 * pinning the host's id from the link (a different certificate never receives the secret), and
 * `POST /peer/v1/pair` the link's secret. On success both sides hold each other's id.
 */
import type { Identity } from '../identity';
import { peerRequest, readJson } from '../peer/peer-client';
import type { PairLink } from './link';

/**
 * Pairs with the host of `link`; resolves with its name, or rejects with the reason in words.
 * `port` is where our own peer listener runs, so the host can reach us back (absent: unknown).
 */
export async function pairWithLink(
  link: PairLink,
  me: Identity,
  myName: string,
  port?: number,
): Promise<string> {
  const res = await peerRequest(link, me, {
    method: 'POST',
    path: '/peer/v1/pair',
    body: JSON.stringify({ secret: link.secret, name: myName, ...(port && { port }) }),
  });
  const answer = await readJson<{ name?: unknown }>(res).catch((err: Error) => {
    // The host's refusal in its own words, without the status number.
    throw new Error(err.message.replace(/ \(\d{3}\)$/, ''));
  });
  return (typeof answer.name === 'string' && answer.name.slice(0, 64)) || 'unnamed device';
}
