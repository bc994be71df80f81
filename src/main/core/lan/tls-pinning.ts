/**
 * Mutual TLS between our own apps, trusted by pinned device ids instead of a CA: each side shows
 * its self-signed certificate (identity.ts), and each accepts the other only when the SHA-256 of
 * the certificate presented is one it paired with. Names, CAs and dates play no part (self-signed
 * certificates have no one to vouch for them); the pin is the whole check.
 */
import tls, { type PeerCertificate, type TLSSocket, type TlsOptions } from 'node:tls';
import { createHash } from 'node:crypto';
import type { Identity } from './identity';

/** The device id of the certificate a TLS peer presented, or null when it presented none. */
export function peerDeviceId(socket: TLSSocket): string | null {
  const cert = socket.getPeerCertificate(false) as PeerCertificate | Record<string, never>;
  if (!cert || !('raw' in cert) || !cert.raw) return null;
  return createHash('sha256').update(cert.raw).digest('hex');
}

/**
 * Server options: ask every client for its certificate, and let the handshake finish so the app
 * can answer a stranger with a clear refusal; `allowed` decides (checked by `acceptPeer`).
 */
export function pinnedServerOptions(me: Identity): TlsOptions {
  return {
    key: me.key,
    cert: me.cert,
    requestCert: true,
    // Self-signed certificates fail CA checks by design; acceptPeer does the real check.
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
  };
}

/**
 * Checks a server-side connection: true, and the peer's id, when its certificate is pinned;
 * otherwise the socket is destroyed at once and false is returned. `allowed` is asked on every
 * connection, so a revoked peer is refused from then on.
 */
export function acceptPeer(
  socket: TLSSocket,
  allowed: (id: string) => boolean,
): { ok: true; id: string } | { ok: false; reason: 'no certificate' | 'not paired' } {
  const id = peerDeviceId(socket);
  if (!id) {
    socket.destroy();
    return { ok: false, reason: 'no certificate' };
  }
  if (!allowed(id)) {
    socket.destroy();
    return { ok: false, reason: 'not paired' };
  }
  return { ok: true, id };
}

/**
 * Connects to the peer whose id is `expectId` and resolves once the handshake has shown exactly
 * that certificate; a different or missing one destroys the socket before a byte of ours is sent.
 * (Node skips checkServerIdentity when a certificate is self-signed, so the check is made here.)
 */
export function connectPinned(opts: {
  host: string;
  port: number;
  me: Identity;
  expectId: string;
  timeoutMs?: number;
}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: opts.host,
      port: opts.port,
      key: opts.me.key,
      cert: opts.me.cert,
      // Self-signed by design: the pin below is the check.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      timeout: opts.timeoutMs ?? 10_000,
    });
    socket.once('secureConnect', () => {
      const got = peerDeviceId(socket);
      if (got === opts.expectId) return resolve(socket);
      socket.destroy();
      reject(
        new Error(
          got
            ? `${opts.host} is not the paired device (it presented ${got.slice(0, 16)}…)`
            : `${opts.host} presented no certificate`,
        ),
      );
    });
    socket.once('timeout', () => socket.destroy(new Error(`${opts.host} did not answer in time`)));
    socket.once('error', reject);
  });
}
