/**
 * Pairing from the command line with a real daemon: device A runs with --lan on 127.0.0.1,
 * `pair-link` against A's state prints a link, `pair LINK` from B's state pairs, both sides list
 * each other, and `unpair` on A forgets B.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../e2e/helpers';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 20_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

let work = '';
const children: ReturnType<typeof spawn>[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pairing from the command line', () => {
  it('pairs two state folders through a running daemon, and unpairs', async () => {
    work = await tempDir('cli-pair');
    const [a, b, music] = ['a', 'b', 'music'].map((d) => path.join(work, d));
    for (const d of [a!, b!, music!]) await mkdir(d);
    await writeFile(path.join(work, 'token'), 'tc_pair_test');
    const daemon = spawn(
      process.execPath,
      [
        CLI,
        '--server',
        'http://127.0.0.1:9',
        '--share',
        music!,
        '--state-dir',
        a!,
        '--token-file',
        path.join(work, 'token'),
        '--lan-host',
        '127.0.0.1',
        '--lan-port',
        '0',
      ],
      { stdio: 'ignore' },
    );
    children.push(daemon);
    await expect
      .poll(() => readFile(path.join(a!, 'lan-endpoint.json'), 'utf8').catch(() => ''), {
        timeout: 15_000,
      })
      .toContain('pairPort');

    // Bound to loopback, the daemon announces nothing on the machine's real interfaces.
    const log = () => readFile(path.join(a!, 'logs', 'tunecamp-share.log'), 'utf8').catch(() => '');
    await expect.poll(log).toMatch(/bound to 127\.0\.0\.1 only: not announced/);
    const link = await run(['pair-link', '--state-dir', a!]);
    expect(link.code).toBe(0);
    const url = link.stdout.trim().split('\n')[0]!;
    expect(url).toMatch(/^tcshare:\/\/pair\?addr=127\.0\.0\.1:\d+&id=[0-9a-f]{64}&s=[\w-]{22}$/);

    const paired = await run(['pair', url, '--state-dir', b!, '--name', 'Laptop']);
    expect(paired.stdout).toMatch(/^Paired with .+ \(([0-9A-F]{4}-){15}[0-9A-F]{4}\)\.$/m);
    const aPeers = (await run(['peers', '--json', '--state-dir', a!])).stdout.trim().split('\n');
    const bPeers = (await run(['peers', '--json', '--state-dir', b!])).stdout.trim().split('\n');
    expect(aPeers.map((l) => JSON.parse(l).name)).toEqual(['Laptop']);
    expect(bPeers.map((l) => JSON.parse(l).id)).toEqual([new URL(url).searchParams.get('id')]);

    const again = await run(['pair', url, '--state-dir', b!]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not valid \(or was used\)/);

    const bId = JSON.parse(aPeers[0]!).id as string;
    expect((await run(['unpair', bId.slice(0, 10), '--state-dir', a!])).stdout).toMatch(
      /Unpaired Laptop/,
    );
    expect((await run(['peers', '--state-dir', a!])).stdout).toMatch(/No paired device/);
    daemon.kill('SIGTERM');
  }, 60_000);
});
