/**
 * Identity and pinned mutual TLS: the device id is the certificate's SHA-256 and survives a
 * restart; a damaged file gives a new identity; over real TLS on 127.0.0.1 a pinned peer gets in,
 * and a stranger, a client without a certificate, and a server that is not the expected device are
 * all refused.
 */
import { createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import {
  certificateId,
  createIdentity,
  formatDeviceId,
  loadIdentity,
  type Identity,
} from '../../../src/main/core/lan/identity';
import {
  acceptPeer,
  connectPinned,
  pinnedServerOptions,
} from '../../../src/main/core/lan/tls-pinning';
import { tempDir } from '../../e2e/helpers';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A stand-in for safeStorage: reversible, and refuses what it did not seal. */
const vault = {
  scheme: 'test-vault',
  seal: (plain: string) => `sealed:${Buffer.from(plain).toString('base64')}`,
  open: (sealed: string) => {
    if (!sealed.startsWith('sealed:')) throw new Error('not ours');
    return Buffer.from(sealed.slice(7), 'base64').toString();
  },
};

describe('identity with a key vault', () => {
  it('keeps the key sealed, opens it on the next start, and seals a clear one it finds', async () => {
    const dir = await tempDir('identity-vault');
    dirs.push(dir);
    const file = path.join(dir, 'identity.json');
    const first = await loadIdentity(dir, vault);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.key).toBeUndefined();
    expect(stored.keySealed.scheme).toBe('test-vault');
    expect(JSON.stringify(stored)).not.toContain('PRIVATE KEY');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadIdentity(dir, vault);
    expect([again.id, again.key, again.renewed]).toEqual([first.id, first.key, false]);

    // A clear key from before (or from the command line) is sealed on the spot, same device.
    const plainDir = await tempDir('identity-plain');
    dirs.push(plainDir);
    const plain = await loadIdentity(plainDir);
    const sealed = await loadIdentity(plainDir, vault);
    expect(sealed.id).toBe(plain.id);
    expect(await readFile(path.join(plainDir, 'identity.json'), 'utf8')).not.toContain(
      'PRIVATE KEY',
    );
  });

  it('is an error without the vault, and a new identity when the vault cannot open it', async () => {
    const dir = await tempDir('identity-sealed');
    dirs.push(dir);
    const first = await loadIdentity(dir, vault);
    await expect(loadIdentity(dir)).rejects.toThrow(/sealed by the desktop app's test-vault/);
    const file = path.join(dir, 'identity.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    stored.keySealed.data = 'garbage';
    await writeFile(file, JSON.stringify(stored));
    const renewed = await loadIdentity(dir, vault);
    expect(renewed.renewed).toBe(true);
    expect(renewed.id).not.toBe(first.id);
  });
});

describe('identity', () => {
  it('is made once, kept 0600, and its id is the certificate hash', async () => {
    const dir = await tempDir('identity');
    dirs.push(dir);
    const first = await loadIdentity(dir);
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
    expect(first.id).toBe(certificateId(first.cert));
    expect(first.renewed).toBe(false);
    expect((await stat(path.join(dir, 'identity.json'))).mode & 0o777).toBe(0o600);
    const again = await loadIdentity(dir);
    expect(again.id).toBe(first.id);
    expect(formatDeviceId(first.id)).toMatch(/^([0-9A-F]{4}-){15}[0-9A-F]{4}$/);

    await writeFile(path.join(dir, 'identity.json'), '{"cert": "garbage"');
    const renewed = await loadIdentity(dir);
    expect(renewed.renewed).toBe(true);
    expect(renewed.id).not.toBe(first.id);
    expect(JSON.parse(await readFile(path.join(dir, 'identity.json'), 'utf8')).cert).toBe(
      renewed.cert,
    );
  });
});

describe('pinned mutual TLS', () => {
  let server: Identity;
  let friend: Identity;
  let stranger: Identity;
  let port = 0;
  const seen: string[] = [];
  let tlsServer: ReturnType<typeof createServer>;

  it('lets the pinned peer in and refuses the rest', async () => {
    [server, friend, stranger] = await Promise.all([
      createIdentity(),
      createIdentity(),
      createIdentity(),
    ]);
    tlsServer = createServer(pinnedServerOptions(server), (socket: TLSSocket) => {
      const verdict = acceptPeer(socket, (id) => id === friend.id);
      seen.push(verdict.ok ? `ok ${verdict.id.slice(0, 8)}` : verdict.reason);
      if (verdict.ok) socket.end('hello friend');
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    port = (tlsServer.address() as AddressInfo).port;

    const read = (s: TLSSocket) =>
      new Promise<string>((resolve) => {
        let text = '';
        s.on('data', (d: Buffer) => (text += d.toString()));
        s.on('close', () => resolve(text));
        s.on('error', () => undefined);
      });

    const good = await connectPinned({ host: '127.0.0.1', port, me: friend, expectId: server.id });
    expect(await read(good)).toBe('hello friend');

    const bad = await connectPinned({ host: '127.0.0.1', port, me: stranger, expectId: server.id });
    expect(await read(bad)).toBe('');

    const anonymous = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    expect(await read(anonymous)).toBe('');

    await expect(
      connectPinned({ host: '127.0.0.1', port, me: friend, expectId: stranger.id }),
    ).rejects.toThrow(/not the paired device/);

    await expect.poll(() => seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.slice(0, 3)).toEqual([
      `ok ${friend.id.slice(0, 8)}`,
      'not paired',
      'no certificate',
    ]);
    tlsServer.close();
  });
});
