import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransferManager } from '../../../src/main/core/transfers/transfer-manager';
import { createLibrary } from './fixtures';
import type { Library } from './fixtures';
import { sleep, startHub, until } from './hub';
import type { Hub } from './hub';
import { createSlowSink } from './slow-sink';
import type { SlowSink } from './slow-sink';

const MiB = 1024 * 1024;
const KiB = 1024;

let lib: Library;
let manager: TransferManager | undefined;
let hub: Hub | undefined;
let sink: SlowSink | undefined;

beforeEach(async () => {
  lib = await createLibrary();
});

afterEach(async () => {
  await manager?.close();
  sink?.close();
  await hub?.close();
  await lib.cleanup();
  manager = hub = sink = undefined;
});

describe('fair scheduling', () => {
  it('20 concurrent transfers all progress; none starves; read-ahead stays bounded', async () => {
    manager = new TransferManager({ resolve: (id) => lib.resolve(id), maxConcurrent: 20 });
    hub = await startHub(manager);
    manager.setSink(hub.sink);
    const size = 3 * MiB;
    const ids = Array.from({ length: 20 }, (_, i) => `f${i}`);
    for (const id of ids) await lib.add(id, size);
    let atFirstDone: number[] | undefined;
    manager.on('update', (t) => {
      if (t.state === 'done' && !atFirstDone) atFirstDone = manager!.list().map((x) => x.bytesSent);
    });
    const rs = ids.map((id) => hub!.request(id));
    await Promise.all(rs.map((r) => r.finished));
    for (const [i, r] of rs.entries()) {
      expect(r.ended).toBe(true);
      expect(r.inOrder).toBe(true);
      expect(r.digest).toBe(lib.sha.get(ids[i]!));
    }
    // When the first finished, every other had already sent a good part of its file.
    expect(atFirstDone).toHaveLength(20);
    expect(Math.min(...atFirstDone!)).toBeGreaterThan(size * 0.4);
    const d = manager.debug();
    expect(d.peakReadAheadBytes).toBeGreaterThan(0);
    expect(d.peakReadAheadBytes).toBeLessThanOrEqual(d.readAheadBound);
  });

  it('on a slow link: in-flight bytes stay within the window and read-ahead within its bound', async () => {
    const maxInflightBytes = 512 * KiB;
    manager = new TransferManager({
      resolve: (id) => lib.resolve(id),
      maxConcurrent: 20,
      maxInflightBytes,
    });
    sink = createSlowSink(8 * MiB);
    manager.setSink(sink);
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    for (const id of ids) await lib.add(id, 4 * MiB);
    ids.forEach((id, i) => manager!.handle({ requestId: `r${i}`, trackId: id, kind: 'stream' }));
    await sleep(1000);
    const d = manager.debug();
    // Lanes are full (the link is the bottleneck) but never beyond one block and two chunks per
    // transfer.
    expect(d.peakReadAheadBytes).toBeGreaterThan(20 * 64 * KiB);
    expect(d.peakReadAheadBytes).toBeLessThanOrEqual(d.readAheadBound);
    expect(d.readAheadBound).toBe(20 * (4 + 2) * 64 * KiB);
    // One frame may go when nothing is in flight; otherwise the total stays within the window.
    for (const s of sink.sends) {
      if (s.pendingBefore > 0)
        expect(s.pendingBefore + s.size).toBeLessThanOrEqual(maxInflightBytes);
    }
    expect(Math.max(...sink.sends.map((s) => s.pendingBefore + s.size))).toBeGreaterThan(
      2 * 87 * KiB,
    );
    // Round-robin: every transfer got a similar share of the link so far.
    const sent = ids.map((_, i) => sink!.requests.get(`r${i}`)?.bytes ?? 0);
    expect(Math.min(...sent)).toBeGreaterThan(0);
    expect(Math.max(...sent) - Math.min(...sent)).toBeLessThanOrEqual(2 * 64 * KiB);
    for (const r of sink.requests.values()) expect(r.inOrder).toBe(true);
  });

  it('adapts the window to ~100 ms of the measured link rate', async () => {
    manager = new TransferManager({ resolve: (id) => lib.resolve(id), maxConcurrent: 4 });
    sink = createSlowSink(3 * MiB);
    manager.setSink(sink);
    for (const id of ['w0', 'w1', 'w2', 'w3']) await lib.add(id, 8 * MiB);
    ['w0', 'w1', 'w2', 'w3'].forEach((id) =>
      manager!.handle({ requestId: id, trackId: id, kind: 'stream' }),
    );
    await sleep(1200);
    const { window } = manager.debug();
    // 3 MiB/s of base64 frames: ~315 KB per 100 ms (between min 175 KB and max 512 KiB).
    expect(window).toBeGreaterThan(240 * KiB);
    expect(window).toBeLessThan(400 * KiB);
    const late = sink.sends.slice(-50);
    for (const s of late)
      if (s.pendingBefore > 0) expect(s.pendingBefore + s.size).toBeLessThanOrEqual(400 * KiB);
  });

  it('waits while other frames fill the socket, then resumes without being poked', async () => {
    manager = new TransferManager({ resolve: (id) => lib.resolve(id) });
    sink = createSlowSink(50 * MiB);
    sink.foreign = 4 * MiB;
    manager.setSink(sink);
    await lib.add('p', 1 * MiB);
    manager.handle({ requestId: 'p1', trackId: 'p', kind: 'stream' });
    await sleep(150);
    expect(sink.sends).toHaveLength(0);
    sink.foreign = 0;
    await until(() => sink!.requests.get('p1')?.end === 'chunk_end', 5000, 'resume');
    expect(sink.requests.get('p1')!.bytes).toBe(1 * MiB);
  });

  it('keeps within the delivery room the link reports and resumes when delivery is confirmed', async () => {
    manager = new TransferManager({ resolve: (id) => lib.resolve(id) });
    sink = createSlowSink(100 * MiB);
    // What the server has confirmed, as a tunnel's delivery meter would report it.
    let allowance = 300 * KiB;
    let wire = 0;
    const listeners = new Set<() => void>();
    const send = sink.send.bind(sink);
    sink.send = (frame, cb) => {
      wire += Buffer.byteLength(frame);
      send(frame, cb);
    };
    sink.deliveryRoom = () => allowance - wire;
    sink.onDelivered = (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    };
    manager.setSink(sink);
    await lib.add('d', 4 * MiB);
    manager.handle({ requestId: 'd1', trackId: 'd', kind: 'stream' });
    await sleep(300);
    // The socket itself would take far more (100 MiB/s), but only the room went out.
    expect(wire).toBeGreaterThan(200 * KiB);
    expect(wire).toBeLessThanOrEqual(300 * KiB);
    const held = wire;
    await sleep(100);
    expect(wire).toBe(held);
    // The server confirms everything, again and again: sends resume with no other poke.
    const confirm = setInterval(() => {
      allowance = wire + 300 * KiB;
      for (const fn of listeners) fn();
    }, 5);
    try {
      await until(() => sink!.requests.get('d1')?.end === 'chunk_end', 5000, 'resume');
    } finally {
      clearInterval(confirm);
    }
    expect(sink.requests.get('d1')!.bytes).toBe(4 * MiB);
  });

  it('honours the upload rate limit and lets it be lifted at run time', async () => {
    manager = new TransferManager({ resolve: (id) => lib.resolve(id), uploadRateLimit: 1 * MiB });
    sink = createSlowSink(100 * MiB);
    manager.setSink(sink);
    await lib.add('lim', 8 * MiB);
    manager.handle({ requestId: 'l1', trackId: 'lim', kind: 'stream' });
    await sleep(1000);
    const wire = sink.sends.reduce((a, s) => a + s.size, 0);
    // One second at 1 MiB/s plus the initial burst allowance (a quarter second) and one frame.
    expect(wire).toBeLessThan(1.25 * MiB + 200 * KiB);
    expect(wire).toBeGreaterThan(0.7 * MiB);
    manager.setLimits({ uploadRateLimit: 0 });
    await until(() => sink!.requests.get('l1')?.end === 'chunk_end', 5000, 'unlimited finish');
    expect(sink.requests.get('l1')!.bytes).toBe(8 * MiB);
  });
});
