/**
 * Issue 15: a server name that does not resolve and TLS certificates that fail must say which, in
 * the daemon's terminal (the tunnel's status, as the activity log and the window show it) and in
 * the login's problem. TLS servers on 127.0.0.1 with certificates made here; the DNS case uses a
 * `.invalid` name (RFC 2606: it never resolves; offline the resolver fails with EAI_AGAIN instead
 * of ENOTFOUND, and both must read the same). Expired and wrong-name certificates come from a CA
 * the child processes trust through NODE_EXTRA_CA_CERTS, so that the date or name is what fails.
 */
import { execFile } from 'node:child_process';
import https from 'node:https';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithPassword } from '../../src/main/core/server-auth';
import { makeWav } from '../e2e/helpers';
import { makeCert, type Pem } from './certs';
import { buildDaemon, startDaemon } from './daemon';
import { tempDir } from './helpers';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let caFile: string;
const servers: https.Server[] = [];
const urls: Record<'selfSigned' | 'expired' | 'wrongName', string> = {
  selfSigned: '',
  expired: '',
  wrongName: '',
};

async function tlsServer(pem: Pem): Promise<string> {
  const server = https.createServer(pem, (_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  buildDaemon();
  dir = await tempDir('tls');
  await mkdir(path.join(dir, 'music'));
  await writeFile(path.join(dir, 'music', 'a.wav'), makeWav(50_000, 3));
  const ca = await makeCert({ names: ['dns:ca.test'], isCa: true });
  caFile = path.join(dir, 'ca.pem');
  await writeFile(caFile, ca.cert);
  urls.selfSigned = await tlsServer(await makeCert({ names: ['ip:127.0.0.1'] }));
  urls.expired = await tlsServer(
    await makeCert({
      names: ['ip:127.0.0.1'],
      ca,
      notBefore: new Date('2019-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-31T12:00:00Z'),
    }),
  );
  urls.wrongName = await tlsServer(await makeCert({ names: ['dns:music.example'], ca }));
}, 60_000);
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await rm(dir, { recursive: true, force: true });
});

const DNS = /Cannot find server tunecamp-fault-test\.invalid \(DNS: (ENOTFOUND|EAI_AGAIN)\)/;
const EXPECT = {
  selfSigned: /certificate of 127\.0\.0\.1 is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
  expired: /certificate of 127\.0\.0\.1 expired on 2020-01-31 12:00 UTC \(CERT_HAS_EXPIRED\)/,
  wrongName: /certificate of 127\.0\.0\.1 is for another name \(DNS:music\.example\)/,
};

/** The daemon's terminal for `server`, until `re` shows; stopped after. */
async function daemonSays(server: string, re: RegExp): Promise<string> {
  const state = path.join(dir, `state-${Math.random().toString(36).slice(2)}`);
  const d = startDaemon(
    ['--server', server, '--share', path.join(dir, 'music'), '--state-dir', state],
    { TUNECAMP_TOKEN: 'tc_good', NODE_EXTRA_CA_CERTS: caFile },
  );
  try {
    const at = (await d.waitFor(re, 20_000)).index!;
    const text = d.out();
    return text.slice(text.lastIndexOf('\n', at) + 1).split('\n')[0]!;
  } finally {
    await d.stop();
  }
}

/** The login's problem in a child process trusting the test CA. */
async function childLogin(server: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/faults/login-once.ts'), server],
    { cwd: ROOT, env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: caFile } },
  );
  const result = JSON.parse(stdout) as { ok: boolean; problem?: { message: string } };
  return result.problem?.message ?? 'ok';
}

describe('DNS and certificate failures say which', () => {
  it('a name that does not resolve: the terminal and the login say DNS and name it', async () => {
    const said = await daemonSays('https://tunecamp-fault-test.invalid', DNS);
    process.stderr.write(`faults: dns: the terminal says "${said}"\n`);
    const login = await loginWithPassword('https://tunecamp-fault-test.invalid', 'a', 'b');
    expect(login.ok ? 'ok' : login.problem.message).toMatch(DNS);
  });

  it.each(['selfSigned', 'expired', 'wrongName'] as const)(
    'a %s certificate: the terminal and the login say so',
    async (kind) => {
      const [said, login] = await Promise.all([
        daemonSays(urls[kind], EXPECT[kind]),
        childLogin(urls[kind]),
      ]);
      process.stderr.write(`faults: ${kind}: the terminal says "${said}"; the login "${login}"\n`);
      expect(said).toMatch(EXPECT[kind]);
      expect(login).toMatch(EXPECT[kind]);
    },
  );
});
