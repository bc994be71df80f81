/**
 * This install's identity on the LAN: an ECDSA P-256 key pair and a self-signed certificate. The
 * device id is the SHA-256 of the certificate (DER), so a peer that pins the id pins the key: app
 * to app traffic is mutual TLS checked against pinned ids (tls-pinning.ts), never against a CA.
 */
import { X509Certificate, createHash, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { writeFileAtomic } from '../fs/atomic-write';

export { formatDeviceId } from '../../../shared/device-id';

/** The file in the state dir that holds the certificate and its private key (mode 0600). */
export const IDENTITY_FILE = 'identity.json';

/** The key pair and certificate, as PEM, with the id they give. */
export interface Identity {
  /** SHA-256 of the certificate's DER, 64 lowercase hex characters. */
  id: string;
  cert: string;
  key: string;
}

/** The id of a certificate (PEM or DER): the SHA-256 of its DER bytes. */
export function certificateId(cert: string | Buffer): string {
  const der = new X509Certificate(cert).raw;
  return createHash('sha256').update(der).digest('hex');
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Makes a new key pair and a self-signed certificate, valid for 20 years. */
export async function createIdentity(now = new Date()): Promise<Identity> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(now.getUTCFullYear() + 20);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex'),
    name: 'CN=tunecamp-share',
    notBefore: now,
    notAfter,
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
  const pem = cert.toString('pem');
  return { id: certificateId(pem), cert: pem, key };
}

function parse(text: string): Identity | null {
  try {
    const v = JSON.parse(text) as { cert?: unknown; key?: unknown };
    if (typeof v.cert !== 'string' || typeof v.key !== 'string') return null;
    return { id: certificateId(v.cert), cert: v.cert, key: v.key };
  } catch {
    return null;
  }
}

/**
 * This install's identity from `<stateDir>/identity.json`, made on first use. A damaged file gives
 * a new identity (paired peers then see a new device and must pair again), with `renewed` set so
 * the caller can say so.
 */
export async function loadIdentity(stateDir: string): Promise<Identity & { renewed: boolean }> {
  const file = path.join(stateDir, IDENTITY_FILE);
  const text = await readFile(file, 'utf8').catch(() => null);
  const found = text === null ? null : parse(text);
  if (found) return { ...found, renewed: false };
  const fresh = await createIdentity();
  // 0600: the private key is this device's word on the LAN. Unsaved (read-only or full state
  // dir), the identity lasts this run only.
  await writeFileAtomic(file, JSON.stringify({ cert: fresh.cert, key: fresh.key }), {
    mode: 0o600,
  }).catch(() => undefined);
  return { ...fresh, renewed: text !== null };
}
