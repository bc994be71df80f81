/**
 * Pairing by name, the asking side: open a request with a commitment to our nonce, learn the
 * other's nonce, reveal ours, and show the code both screens now share. Our user confirms or
 * cancels; we pair only when the other side says its user accepted too (`paired`).
 */
import type { Identity } from '../identity';
import { peerRequest, readJson, type PeerTarget } from '../peer/peer-client';
import { commitTo, isNonce, newNonce, shortCode } from './short-code';

/** A request in progress. */
export interface OutgoingRequest {
  target: PeerTarget;
  request: string;
  code: string;
  /** The other device's name, as it gave it. */
  name: string;
}

const post = async (target: PeerTarget, me: Identity, step: string, body: object) =>
  readJson<Record<string, unknown>>(
    await peerRequest(target, me, {
      method: 'POST',
      path: `/peer/v1/pair-${step}`,
      body: JSON.stringify(body),
    }),
  );

/** Opens a request to `target` (pinned to the id it announced) and works out the code. */
export async function requestPairing(
  target: PeerTarget,
  me: Identity,
  myName: string,
  myPort?: number,
): Promise<OutgoingRequest> {
  const nonce = newNonce();
  const opened = await post(target, me, 'request', {
    name: myName,
    commit: commitTo(nonce),
    ...(myPort && { port: myPort }),
  });
  const request = opened.request;
  if (typeof request !== 'string' || !/^[A-Za-z0-9_-]{16}$/.test(request) || !isNonce(opened.nonce))
    throw new Error('the device answered something that is not a pairing reply');
  await post(target, me, 'reveal', { request, nonce });
  const name = typeof opened.name === 'string' ? opened.name.slice(0, 64) : '';
  return {
    target,
    request,
    code: shortCode(me.id, target.id, nonce, opened.nonce),
    name: name || 'unnamed device',
  };
}

/** Tells the other side our user's answer. */
export async function answerPairing(
  r: OutgoingRequest,
  me: Identity,
  match: boolean,
): Promise<void> {
  await post(r.target, me, match ? 'confirm' : 'cancel', { request: r.request });
}

/**
 * Waits for the other user's answer (until `deadline`, epoch ms): 'paired', or why not. Each
 * call to the device waits up to 20 s there, so this asks about every 20 s.
 */
export async function awaitPairing(
  r: OutgoingRequest,
  me: Identity,
  deadline: number,
): Promise<'paired' | 'declined' | 'cancelled' | 'expired'> {
  while (Date.now() < deadline) {
    const res = await peerRequest(r.target, me, {
      method: 'GET',
      path: `/peer/v1/pair-status?request=${r.request}`,
      timeoutMs: 30_000,
    });
    const s = (await readJson<{ state?: unknown }>(res)).state;
    if (s === 'paired' || s === 'declined' || s === 'cancelled' || s === 'expired') return s;
  }
  return 'expired';
}
