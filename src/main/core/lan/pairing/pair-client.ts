/**
 * The other side of a pairing link: connect to the host with our certificate, pinning the host's
 * id from the link, and send the link's secret. On success both sides hold each other's id.
 */
import type { Identity } from '../identity';
import { connectPinned } from '../tls-pinning';
import type { PairLink } from './link';

/** One request and its one-line JSON answer over pinned mutual TLS. */
export async function askPeer(
  link: Pick<PairLink, 'host' | 'port' | 'id'>,
  me: Identity,
  request: object,
): Promise<{ ok: boolean; name?: string; error?: string }> {
  const socket = await connectPinned({ host: link.host, port: link.port, me, expectId: link.id });
  return new Promise((resolve, reject) => {
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      socket.end();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as { ok: boolean; name?: string; error?: string });
      } catch {
        reject(new Error('the device answered something that is not a pairing reply'));
      }
    });
    socket.on('close', () =>
      reject(new Error('the device closed the connection without an answer')),
    );
    socket.on('error', reject);
    socket.write(`${JSON.stringify(request)}\n`);
  });
}

/** Pairs with the host of `link`; resolves with its name, or rejects with the reason in words. */
export async function pairWithLink(link: PairLink, me: Identity, myName: string): Promise<string> {
  const answer = await askPeer(link, me, { type: 'pair', secret: link.secret, name: myName });
  if (!answer.ok) throw new Error(answer.error ?? 'the device refused to pair');
  return answer.name?.slice(0, 64) || 'unnamed device';
}
