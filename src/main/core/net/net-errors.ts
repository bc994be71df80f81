/**
 * Connection failures that the user can fix, in words that say which: the name does not resolve
 * (DNS), or the server's certificate is self-signed, expired, not yet valid, for another name, or
 * from an authority this computer does not trust. Shared by the tunnel and the REST calls.
 */
import net from 'node:net';
import tls from 'node:tls';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

/** The low-level error under `err`: fetch wraps socket errors as `TypeError('fetch failed')`. */
export function rootCause(err: unknown): Error & { code?: string } {
  let e = err as Error & { code?: string; cause?: unknown };
  for (let i = 0; i < 4 && !e.code && e.cause instanceof Error; i++) e = e.cause as typeof e;
  return e;
}

/** The host name in a server address (no port, no scheme). */
export function serverHost(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}

/** A certificate date (OpenSSL's "Jan 31 12:00:00 2024 GMT") as `2024-01-31 12:00 UTC`. */
export function formatCertDate(text: string): string {
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/**
 * A message for a DNS or certificate failure reaching `server`, or null for any other error.
 * `cert` is the server's certificate when known (see readCertificate), for the dates.
 */
export function dnsOrTlsMessage(
  err: unknown,
  server: string,
  cert?: tls.PeerCertificate | null,
): string | null {
  const e = rootCause(err);
  const code = e.code ?? '';
  const host = serverHost(server);
  if (DNS_CODES.has(code))
    return `Cannot find server ${host} (DNS: ${code}): the name does not resolve. Check the address and your network.`;
  if (SELF_SIGNED.has(code))
    return `The certificate of ${host} is self-signed (${code}), so it cannot be trusted. Give the server a certificate from a public authority, or trust yours with NODE_EXTRA_CA_CERTS.`;
  if (code === 'CERT_HAS_EXPIRED') {
    const when = cert?.valid_to ? ` on ${formatCertDate(cert.valid_to)}` : '';
    return `The certificate of ${host} expired${when} (CERT_HAS_EXPIRED): the server must renew it. Check this computer's clock too.`;
  }
  if (code === 'CERT_NOT_YET_VALID') {
    const when = cert?.valid_from ? ` until ${formatCertDate(cert.valid_from)}` : ' yet';
    return `The certificate of ${host} is not valid${when} (CERT_NOT_YET_VALID): check this computer's clock.`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = (e as { cert?: tls.PeerCertificate }).cert?.subjectaltname;
    return `The certificate of ${host} is for another name${names ? ` (${names})` : ''}: the host name does not match (ERR_TLS_CERT_ALTNAME_INVALID). Check the server address.`;
  }
  if (UNTRUSTED.has(code))
    return `The certificate of ${host} is not signed by an authority this computer trusts (${code}). Trust it with NODE_EXTRA_CA_CERTS, or fix the server's certificate chain.`;
  return null;
}

/** True when the message for `err` would name a date that only the certificate holds. */
export function wantsCertificate(err: unknown): boolean {
  const code = rootCause(err).code;
  return code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
}

/**
 * The certificate `server` presents, read without trusting it (nothing is sent over the
 * connection), or null after `timeoutMs` or on any error. Only to put its dates in a message.
 */
export function readCertificate(
  server: string,
  timeoutMs = 3000,
): Promise<tls.PeerCertificate | null> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return Promise.resolve(null);
  }
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false, // we only read the dates; the real connection still verifies
    });
    const done = (cert: tls.PeerCertificate | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(cert);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.once('secureConnect', () => done(socket.getPeerCertificate()));
    socket.once('error', () => done(null));
  });
}

/** dnsOrTlsMessage, with the certificate read when the message needs its dates. */
export async function explainNetError(err: unknown, server: string): Promise<string | null> {
  const cert = wantsCertificate(err) ? await readCertificate(server) : null;
  return dnsOrTlsMessage(err, server, cert);
}
