import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A certificate and its key, PEM. */
export interface Pem {
  cert: string;
  key: string;
}

/** One certificate for the test's TLS servers. */
export interface CertSpec {
  /** Subject alternative names: `ip:127.0.0.1`, `dns:music.example`. */
  names: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** The issuer; absent: self-signed. */
  ca?: Pem;
  isCa?: boolean;
}

function keyPem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** Makes a certificate per `spec` (@peculiar/x509, as the LAN identity does). */
export async function makeCert(spec: CertSpec): Promise<Pem> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const subtle = webcrypto.subtle;
  const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const common = {
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    notBefore: spec.notBefore ?? new Date(now - 86_400_000),
    notAfter: spec.notAfter ?? new Date(now + 30 * 86_400_000),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(!!spec.isCa, undefined, true),
      new x509.SubjectAlternativeNameExtension(
        spec.names.map((n) => {
          const [type, value] = n.split(':') as ['ip' | 'dns', string];
          return { type, value };
        }),
      ),
    ],
  };
  const name = spec.isCa ? 'CN=tunecamp test CA' : 'CN=tunecamp test server';
  let cert: x509.X509Certificate;
  if (!spec.ca) {
    cert = await x509.X509CertificateGenerator.createSelfSigned({ ...common, name, keys });
  } else {
    const caCert = new x509.X509Certificate(spec.ca.cert);
    const caKeyDer = Buffer.from(spec.ca.key.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const caKey = await subtle.importKey('pkcs8', caKeyDer, ALG, false, ['sign']);
    cert = await x509.X509CertificateGenerator.create({
      ...common,
      subject: name,
      issuer: caCert.subject,
      publicKey: keys.publicKey,
      signingKey: caKey,
    });
  }
  return {
    cert: cert.toString('pem'),
    key: keyPem(await subtle.exportKey('pkcs8', keys.privateKey)),
  };
}
