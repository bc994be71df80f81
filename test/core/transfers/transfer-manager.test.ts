import { appendFile, open, readdir, readlink, rm, utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransferManager } from '../../../src/main/core/transfers/transfer-manager';
import type { TransferInfo } from '../../../src/shared/contract';
import { createLibrary } from './fixtures';
import type { Library } from './fixtures';
import { sleep, startHub, until } from './hub';
import type { Hub } from './hub';

const MiB = 1024 * 1024;

/** Paths of this process's open file descriptors (Linux), to prove files were released. */
async function openFiles(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd').catch(() => [] as string[]);
  const out: string[] = [];
  for (const fd of fds) out.push(await readlink(`/proc/self/fd/${fd}`).catch(() => ''));
  return out;
}

let lib: Library;
let manager: TransferManager;
let hub: Hub;
let stale: string[];

async function setup(opts: Partial<ConstructorParameters<typeof TransferManager>[0]> = {}) {
  manager = new TransferManager({ resolve: (id) => lib.resolve(id), ...opts });
  stale = [];
  manager.on('stale', (id) => stale.push(id));
  hub = await startHub(manager);
  manager.setSink(hub.sink);
}

beforeEach(async () => {
  lib = await createLibrary();
});

afterEach(async () => {
  await manager?.close();
  await hub?.close();
  await lib.cleanup();
});

describe('TransferManager over a real WebSocket', () => {
  it('sends exactly the published bytes, seq in order, then chunk_end', async () => {
    await setup();
    await lib.add('a1', 3 * MiB + 12345);
    await lib.add('empty', 0);
    const r = hub.request('a1');
    const e = hub.request('empty');
    await Promise.all([r.finished, e.finished]);
    expect(r.error).toBeUndefined();
    expect(r.ended).toBe(true);
    expect(r.inOrder).toBe(true);
    expect(r.bytes).toBe(3 * MiB + 12345);
    expect(r.chunks).toBe(Math.ceil((3 * MiB + 12345) / 65536));
    expect(r.digest).toBe(lib.sha.get('a1'));
    expect(r.sequence).toEqual(['chunk', 'chunk_end']);
    expect(e.sequence).toEqual(['chunk_end']);
    await until(() => manager.list().filter((t) => t.state === 'done').length === 2);
    expect(manager.counts().get('a1')).toEqual({ plays: 1, downloads: 0 });
    const totals = manager.totals();
    expect(totals.bytesToday).toBe(3 * MiB + 12345);
    expect(totals.bytesAllTime).toBe(3 * MiB + 12345);
    expect(totals.streamsToday).toBe(2);
    expect(hub.stray).toEqual([]);
  });

  it('answers unknown and path-like ids with chunk_error, resolving only through resolve()', async () => {
    const asked: string[] = [];
    await lib.add('known', 1000);
    manager = new TransferManager({ resolve: (id) => (asked.push(id), lib.resolve(id)) });
    stale = [];
    hub = await startHub(manager);
    manager.setSink(hub.sink);
    const before = await openFiles();
    const r1 = hub.request('deadbeef');
    const r2 = hub.request('../../etc/passwd');
    const r3 = hub.request(lib.tracks.get('known')!.path);
    await Promise.all([r1.finished, r2.finished, r3.finished]);
    for (const r of [r1, r2, r3]) {
      expect(r.error).toBe('Unknown track');
      expect(r.sequence).toEqual(['chunk_error']);
    }
    expect(asked).toEqual(['deadbeef', '../../etc/passwd', lib.tracks.get('known')!.path]);
    expect((await openFiles()).filter((f) => f.includes('passwd') || f.endsWith('.bin'))).toEqual(
      before.filter((f) => f.includes('passwd') || f.endsWith('.bin')),
    );
    expect(manager.list().map((t) => t.state)).toEqual(['failed', 'failed', 'failed']);
  });

  it('refuses a download of a track whose downloads are disabled, still streams it', async () => {
    await setup();
    await lib.add('nodl', 200_000, { allowDownload: false });
    const d = hub.request('nodl', 'download');
    const s = hub.request('nodl', 'stream');
    await Promise.all([d.finished, s.finished]);
    expect(d.error).toBe('Downloads are disabled for this track');
    expect(d.bytes).toBe(0);
    expect(s.ended).toBe(true);
    expect(s.digest).toBe(lib.sha.get('nodl'));
  });

  it('refuses a stream of a download-only track (plays in apps, not in browsers), still downloads it', async () => {
    await setup();
    await lib.add('apponly', 200_000, { downloadOnly: true });
    const s = hub.request('apponly', 'stream');
    const d = hub.request('apponly', 'download');
    await Promise.all([d.finished, s.finished]);
    expect(s.error).toBe('This track plays in apps, not in browsers: download it');
    expect(s.sequence).toEqual(['chunk_error']);
    expect(d.ended).toBe(true);
    expect(d.digest).toBe(lib.sha.get('apponly'));
  });

  it('answers chunk_error before any chunk and emits stale when the file changed or vanished', async () => {
    await setup();
    const grown = await lib.add('grown', 100_000);
    const touched = await lib.add('touched', 100_000);
    const gone = await lib.add('gone', 100_000);
    await appendFile(grown.path, Buffer.from('more'));
    await utimes(grown.path, new Date(), new Date(grown.mtimeMs));
    await utimes(touched.path, new Date(), new Date(touched.mtimeMs + 5000));
    await rm(gone.path);
    const rs = ['grown', 'touched', 'gone'].map((id) => hub.request(id));
    await Promise.all(rs.map((r) => r.finished));
    expect(rs.map((r) => r.error)).toEqual([
      'File changed since it was published',
      'File changed since it was published',
      'File no longer exists',
    ]);
    for (const r of rs) expect(r.sequence).toEqual(['chunk_error']);
    await until(() => stale.length === 3);
    expect([...stale].sort()).toEqual(['gone', 'grown', 'touched']);
  });

  it('reads files four chunks at a time, and holds nothing once a transfer ends', async () => {
    // One read per 256 KiB block: each read is a round trip through libuv's thread pool, which
    // costs more CPU than the copy itself.
    const probe = await open(import.meta.filename, 'r');
    const proto = Object.getPrototypeOf(probe) as { read: (...a: unknown[]) => unknown };
    await probe.close();
    const reads = vi.spyOn(proto, 'read');
    await setup();
    await lib.add('a1', 2 * MiB + 100);
    const r = hub.request('a1');
    await r.finished;
    expect(r.digest).toBe(lib.sha.get('a1'));
    expect(r.chunks).toBe(Math.ceil((2 * MiB + 100) / 65536));
    expect(reads.mock.calls.length).toBe(Math.ceil((2 * MiB + 100) / (256 * 1024)));
    reads.mockRestore();
    // Cancelled in the middle of a block: the rest of the block is let go and not counted.
    await lib.add('big', 64 * MiB);
    const b = hub.request('big');
    await until(() => b.bytes >= MiB, 10_000, 'some data');
    hub.cancel(b);
    await until(() => manager.list().some((t) => t.state === 'cancelled'), 5000, 'cancelled');
    await sleep(100);
    expect(manager.debug().readAheadBytes).toBe(0);
  });

  it('stops a cancelled stream quickly: less than one window plus one chunk after the cancel', async () => {
    const maxInflightBytes = 512 * 1024;
    await setup({ maxInflightBytes });
    await lib.add('big', 64 * MiB);
    const r = hub.request('big');
    await until(() => r.bytes >= 2 * MiB, 10_000, 'some data');
    hub.cancel(r);
    await until(() => manager.list()[0]?.state === 'cancelled', 5000, 'cancelled state');
    await sleep(300);
    const after = r.bytes - r.bytesAtCancel!;
    expect(after).toBeLessThan(maxInflightBytes + 65536);
    expect(r.bytes).toBeLessThan(64 * MiB);
    expect(r.sequence).toEqual(['chunk']);
    expect((await openFiles()).some((f) => f.endsWith('big.bin'))).toBe(false);
  });

  it('setSink(null) cancels active and queued transfers at once and releases every file', async () => {
    await setup({ maxConcurrent: 2, uploadRateLimit: 2 * MiB });
    for (const id of ['s1', 's2', 's3']) await lib.add(id, 8 * MiB);
    const rs = ['s1', 's2', 's3'].map((id) => hub.request(id));
    await until(() => rs[0]!.bytes > 0 && rs[1]!.bytes > 0, 10_000, 'two active');
    expect(manager.totals()).toMatchObject({ active: 2, queued: 1 });
    expect((await openFiles()).filter((f) => f.startsWith(lib.dir)).length).toBe(2);
    manager.setSink(null);
    expect(manager.list().map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(manager.totals()).toMatchObject({ active: 0, queued: 0 });
    await manager.close();
    expect((await openFiles()).filter((f) => f.startsWith(lib.dir))).toEqual([]);
    for (const id of ['s1', 's2', 's3']) await rm(lib.tracks.get(id)!.path);
  });

  it('caps concurrency with a FIFO queue; a cancelled queued request leaves the queue', async () => {
    await setup({ maxConcurrent: 2 });
    for (let i = 0; i < 5; i++) await lib.add(`q${i}`, 2 * MiB);
    let maxActive = 0;
    const startOrder: string[] = [];
    manager.on('update', (t: TransferInfo) => {
      maxActive = Math.max(maxActive, manager.totals().active);
      if (t.state === 'active' && !startOrder.includes(t.trackId)) startOrder.push(t.trackId);
    });
    const rs = [0, 1, 2, 3, 4].map((i) => hub.request(`q${i}`));
    await until(() => manager.totals().queued === 3 || rs[0]!.ended, 5000, 'queue');
    hub.cancel(rs[3]!);
    await Promise.all([0, 1, 2, 4].map((i) => rs[i]!.finished));
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(startOrder).toEqual(['q0', 'q1', 'q2', 'q4']);
    for (const i of [0, 1, 2, 4]) expect(rs[i]!.digest).toBe(lib.sha.get(`q${i}`));
    expect(rs[3]!.chunks).toBe(0);
    const states = new Map(manager.list().map((t) => [t.trackId, t.state]));
    expect(states.get('q3')).toBe('cancelled');
    expect(states.get('q4')).toBe('done');
  });
});
