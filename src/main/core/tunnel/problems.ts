/**
 * What went wrong with the tunnel, in words the user can act on. Pure. Messages name the server
 * (normalised, no token) and never the socket URL, which carries the token.
 */
import type { ProblemCode } from '../../../shared/contract';
import type { PeerCertificate } from 'node:tls';
import { dnsOrTlsMessage } from '../net/net-errors';
import type { FailureKind } from './backoff';
import { redactToken } from './server-url';

/** A problem as ConnectionStatus carries it, plus the failure class the retry policy needs. */
export interface TunnelProblem {
  code: ProblemCode;
  message: string;
  status?: number;
  failure: FailureKind;
}

/** Map a refused upgrade (ws `unexpected-response`) to a problem. */
export function problemForStatus(status: number, server: string): TunnelProblem {
  const failure: FailureKind = { kind: 'http', status };
  if (status === 401) {
    return {
      code: 'unauthorized',
      message: 'Token rejected by server (401): log in again.',
      status,
      failure,
    };
  }
  if (status === 403) {
    return {
      code: 'forbidden',
      message:
        'This server does not allow this account to share. Ask an administrator to enable Peer Sharing for your account.',
      status,
      failure,
    };
  }
  if (status === 503) {
    return {
      code: 'sharing-disabled',
      message: `Peer Sharing is switched off on ${server} (503). Retrying every few minutes.`,
      status,
      failure,
    };
  }
  if (status === 404 || status < 400) {
    return {
      code: 'not-tunecamp',
      message: `No TuneCamp peer endpoint at this address (${server} answered ${status}). Check the server address.`,
      status,
      failure: { kind: 'not-tunecamp' },
    };
  }
  return {
    code: 'server-error',
    message: `The server ${server} answered ${status}. Retrying.`,
    status,
    failure,
  };
}

/**
 * Map a socket error (DNS, refused, TLS, timeout, oversized frame…) to a problem. `cert` is the
 * server's certificate when it was read for an expired one's date (net-errors readCertificate).
 */
export function problemForError(
  err: Error & { code?: string },
  server: string,
  secret: string,
  cert?: PeerCertificate | null,
): TunnelProblem {
  const failure: FailureKind = { kind: 'network' };
  const code = err.code ?? '';
  const text = scrub(err.message, secret);
  if (/max payload/i.test(text) || code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    return {
      code: 'server-error',
      message: 'The server sent a message that is too large; reconnecting.',
      failure,
    };
  }
  if (/handshake has timed out/i.test(text) || code === 'ETIMEDOUT') {
    return {
      code: 'unreachable',
      message: `Timed out connecting to ${server}. Retrying.`,
      failure,
    };
  }
  const named = dnsOrTlsMessage(err, server, cert);
  if (named) return { code: 'unreachable', message: `${named} Retrying.`, failure };
  if (code === 'ECONNREFUSED') {
    return { code: 'unreachable', message: `${server} refused the connection. Retrying.`, failure };
  }
  if (/certificate|self[- ]signed|SSL|TLS/i.test(code + ' ' + text)) {
    return {
      code: 'unreachable',
      message: `Secure connection to ${server} failed: ${text}`,
      failure,
    };
  }
  return {
    code: 'unreachable',
    message: `Cannot reach ${server} (${code || text}). Retrying.`,
    failure,
  };
}

/** The proxy between us and the server refused or could not be reached (`message` names it). */
export function problemForProxy(message: string): TunnelProblem {
  return { code: 'unreachable', message: `${message} Retrying.`, failure: { kind: 'network' } };
}

/** A session the server closed (every close reads 1005, so a kick looks like a restart). */
export function problemForDrop(server: string, closeCode: number): TunnelProblem {
  return {
    code: 'unreachable',
    message: `Connection to ${server} was lost (close ${closeCode}). Reconnecting.`,
    failure: { kind: 'network' },
  };
}

/** No message for the whole silence window: the server or the path to it is dead. */
export function problemForSilence(server: string, silenceMs: number): TunnelProblem {
  return {
    code: 'silent-server',
    message: `${server} sent nothing for ${Math.round(silenceMs / 1000)} s. Reconnecting.`,
    failure: { kind: 'network' },
  };
}

/** Upgrade accepted but no `auth_ok` followed in time. */
export function problemForNoAuth(server: string): TunnelProblem {
  return {
    code: 'not-tunecamp',
    message: `${server} accepted the connection but never confirmed a session. Is it a TuneCamp server?`,
    failure: { kind: 'not-tunecamp' },
  };
}

/** Our sessions keep being replaced within seconds: someone else uses this account's one session. */
export function problemForConflict(): TunnelProblem {
  return {
    code: 'conflict',
    message:
      'Another device or browser tab using this account keeps replacing this connection. Close it, or use another account; retrying every few minutes.',
    failure: { kind: 'conflict' },
  };
}

/** Redact `token=…` values and the literal secret (raw or URL-encoded) from `text`. */
export function scrub(text: string, secret: string): string {
  let out = redactToken(text);
  if (secret) {
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      out = out.split(form).join('***');
  }
  return out;
}
