/**
 * This install's identity on the LAN: an ECDSA P-256 key pair and a self-signed certificate. The
 * device id is the SHA-256 of the certificate (DER), so a peer that pins the id pins the key: app
 * to app traffic is mutual TLS checked against pinned ids (tls-pinning.ts), never against a CA.
 */
import { X509Certificate, createHash, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as X509 from '@peculiar/x509';
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

/**
 * @peculiar/x509 only when a certificate is made (first use of LAN sharing): it and its
 * dependencies take ~0.2 s to load, which every start would otherwise pay before its first track.
 */
let x509Module: Promise<typeof X509> | null = null;
function loadX509(): Promise<typeof X509> {
  // @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API.
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Makes a new key pair and a self-signed certificate, valid for 20 years. */
export async function createIdentity(now = new Date()): Promise<Identity> {
  const x509 = await loadX509();
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

/**
 * Where the private key is sealed when the app has a real secret store (the desktop's
 * safeStorage, the same one that keeps the server token): identity.json then holds the key only
 * as `keySealed`, which a copy of the file alone cannot open.
 */
export interface KeyVault {
  /** Names the sealing, stored beside the data ("safeStorage"). */
  scheme: string;
  seal(plain: string): string;
  /** Throws when the data cannot be opened (another user's keyring, a reset keyring). */
  open(sealed: string): string;
}

/** What identity.json holds: the key in clear (0600 file) or sealed by a vault. */
interface IdentityFile {
  cert?: unknown;
  key?: unknown;
  keySealed?: { scheme?: unknown; data?: unknown };
}

/** Reads identity.json's text: the identity, 'damaged', or why it cannot be opened here. */
function parse(text: string, vault?: KeyVault): Identity | 'damaged' | { sealed: string } {
  let v: IdentityFile;
  try {
    v = JSON.parse(text) as IdentityFile;
  } catch {
    return 'damaged';
  }
  if (typeof v.cert !== 'string') return 'damaged';
  let key = v.key;
  const s = v.keySealed;
  if (typeof key !== 'string' && typeof s?.scheme === 'string' && typeof s.data === 'string') {
    if (!vault || vault.scheme !== s.scheme) return { sealed: s.scheme };
    try {
      key = vault.open(s.data);
    } catch {
      return 'damaged';
    }
  }
  if (typeof key !== 'string') return 'damaged';
  try {
    return { id: certificateId(v.cert), cert: v.cert, key };
  } catch {
    return 'damaged';
  }
}

async function save(file: string, me: Identity, vault?: KeyVault): Promise<void> {
  const body = vault
    ? { cert: me.cert, keySealed: { scheme: vault.scheme, data: vault.seal(me.key) } }
    : { cert: me.cert, key: me.key };
  // 0600 either way: the private key is this device's word on the LAN.
  await writeFileAtomic(file, JSON.stringify(body), { mode: 0o600 });
}

/**
 * This install's identity from `<stateDir>/identity.json`, made on first use; with a `vault`, its
 * private key is kept sealed (a clear one found there is sealed on the spot). A damaged file, or a
 * sealed key the vault cannot open, gives a new identity (paired peers then see a new device and
 * must pair again), with `renewed` set so the caller can say so. A key sealed by a vault this
 * process does not have (the command line on the desktop app's folder) is an error, never renewed.
 */
export async function loadIdentity(
  stateDir: string,
  vault?: KeyVault,
): Promise<Identity & { renewed: boolean }> {
  const file = path.join(stateDir, IDENTITY_FILE);
  const text = await readFile(file, 'utf8').catch(() => null);
  const found = text === null ? null : parse(text, vault);
  if (found && typeof found === 'object' && 'sealed' in found)
    throw new Error(
      `The LAN identity in ${stateDir} is sealed by the desktop app's ${found.sealed}: use the app, or another --state-dir.`,
    );
  if (found && found !== 'damaged') {
    if (vault && text !== null && !text.includes('"keySealed"'))
      await save(file, found, vault).catch(() => undefined);
    return { ...found, renewed: false };
  }
  const fresh = await createIdentity();
  // Unsaved (read-only or full state dir), the identity lasts this run only.
  await save(file, fresh, vault).catch(() => undefined);
  return { ...fresh, renewed: text !== null };
}
