/**
 * Discovery: the TXT record and interface choice as pure functions, then for real: two network
 * namespaces joined by a veth pair (made and removed by the test, as root), the daemon announcing
 * itself with --lan in one and `tunecamp-share nearby` finding it in the other, and losing it
 * within seconds when the daemon stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseInterfaces } from '../../../src/main/core/lan/discovery/interfaces';
import { certificateId } from '../../../src/main/core/lan/identity';
import { buildTxt, parseTxt } from '../../../src/main/core/lan/discovery/txt';
import { tempDir } from '../../e2e/helpers';
import { namespacePair, namespacesMissing } from './netns';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const ID = 'ab'.repeat(32);

describe('TXT records', () => {
  it('round-trips ours and refuses what is not', () => {
    const txt = Object.entries(buildTxt(ID)).map(([k, v]) => Buffer.from(`${k}=${v}`));
    expect(parseTxt(txt)).toEqual({ id: ID, version: 1 });
    expect(parseTxt(['txtvers=1', `id=${ID}`, 'pv=1', `id=${'cd'.repeat(32)}`])).toEqual({
      id: ID,
      version: 1,
    });
    expect(parseTxt(['txtvers=2', `id=${ID}`, 'pv=1'])).toBeNull();
    expect(parseTxt(['txtvers=1', 'id=../../etc', 'pv=1'])).toBeNull();
    expect(parseTxt(['txtvers=1', `id=${ID}`, 'pv=x'])).toBeNull();
    expect(parseTxt(['txtvers=1', `id=${ID}`, 'pv=1', 'x='.padEnd(300, 'y')])).toBeNull();
    expect(parseTxt([])).toBeNull();
  });
});

describe('interfaces', () => {
  const nic = (address: string, internal = false) => ({
    address,
    netmask: '255.255.255.0',
    family: 'IPv4' as const,
    mac: '00:11:22:33:44:55',
    internal,
    cidr: `${address}/24`,
  });
  const all = {
    lo: [nic('127.0.0.1', true)],
    eth0: [nic('192.0.2.10')],
    docker0: [nic('172.17.0.1')],
    'veth-a': [nic('198.51.100.1')],
    wlan0: [nic('169.254.3.4')],
    wg0: [nic('203.0.113.5')],
  };

  it('picks LAN-like interfaces, or exactly the pinned ones', () => {
    expect(chooseInterfaces(all)).toEqual([{ name: 'eth0', address: '192.0.2.10' }]);
    expect(chooseInterfaces(all, ['veth-a'])).toEqual([
      { name: 'veth-a', address: '198.51.100.1' },
    ]);
    expect(chooseInterfaces(all, ['nope'])).toEqual([]);
  });
});

const skipNs = namespacesMissing();
const pair = namespacePair('tcs', '10.231.77');
const [NS, IF, ADDR] = [pair.ns, pair.ifs, pair.addrs];
const children: ChildProcess[] = [];
let work = '';

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (!skipNs) pair.remove();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

/** Runs `node dist/cli.js ARGS` inside a namespace; collects stdout lines. */
function inNamespace(ns: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: work, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, lines, stderr: () => err, exited };
}

describe.skipIf(skipNs)('discovery between two network namespaces', () => {
  it('finds a daemon sharing with --lan within seconds, and drops it when it stops', async () => {
    work = await tempDir('ns');
    pair.make();
    const music = path.join(work, 'music');
    const state = path.join(work, 'state');
    await mkdir(music);
    await mkdir(state);
    await writeFile(path.join(work, 'token'), 'tc_ns_test');
    // The daemon: no server is reachable in its namespace; LAN sharing runs regardless.
    const daemon = inNamespace(NS[0]!, [
      '--server',
      'http://127.0.0.1:9',
      '--share',
      music,
      '--state-dir',
      state,
      '--token-file',
      path.join(work, 'token'),
      '--lan-host',
      ADDR[0]!,
      '--lan-interface',
      IF[0]!,
    ]);
    const watcher = inNamespace(NS[1]!, ['nearby', '--watch', '--json', '--lan-interface', IF[1]!]);
    const t0 = performance.now();
    await expect
      .poll(() => watcher.lines.filter((l) => l.includes('"up"')).length, {
        timeout: 15_000,
        interval: 100,
      })
      .toBeGreaterThan(0);
    const seenMs = performance.now() - t0;
    const up = JSON.parse(watcher.lines.find((l) => l.includes('"up"'))!);
    // The id announced is the daemon's certificate hash.
    const { cert } = JSON.parse(await readFile(path.join(state, 'identity.json'), 'utf8'));
    const id = certificateId(cert);
    expect(up).toMatchObject({ event: 'up', id, address: ADDR[0], port: 47310, version: 1 });
    expect(seenMs, daemon.stderr()).toBeLessThan(10_000);

    // One-shot listing sees it too.
    const list = inNamespace(NS[1]!, [
      'nearby',
      '--json',
      '--wait',
      '2',
      '--lan-interface',
      IF[1]!,
    ]);
    expect(await list.exited).toBe(0);
    expect(list.lines.map((l) => JSON.parse(l).id)).toEqual([id]);

    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await expect
      .poll(() => watcher.lines.filter((l) => l.includes('"down"')).length, {
        timeout: 10_000,
        interval: 100,
      })
      .toBeGreaterThan(0);
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toBe(0);
  }, 60_000);
});
