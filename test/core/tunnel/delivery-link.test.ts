import { afterEach, describe, expect, it } from 'vitest';
import { startThrottleProxy, type ThrottleProxy } from '../../../bench/throttle-proxy';
import type { FrameSink } from '../../../src/main/core/tunnel/peer-tunnel';
import { startHub, type Hub } from '../../hub/emulator';
import { sleep, tunnelTo, waitForStatus } from './helpers';
import type { PeerTunnel } from '../../../src/main/core/tunnel/peer-tunnel';

const KiB = 1024;

let hub: Hub | null = null;
let proxy: ThrottleProxy | null = null;
let tunnel: PeerTunnel | null = null;

afterEach(async () => {
  await tunnel?.stop();
  await proxy?.close();
  await hub?.close();
  hub = proxy = tunnel = null;
});

/** A chunk frame for a request the hub does not know: it is received, counted and dropped. */
const FRAME = Buffer.from(
  JSON.stringify({ type: 'chunk', requestId: 'nobody', seq: 0, data: 'A'.repeat(64 * KiB) }),
);

/** Wire bytes of our chunk frames that reached the hub. */
function atHub(h: Hub): number {
  return h.received.filter((f) => f.requestId === 'nobody').reduce((a, f) => a + f.size, 0);
}

/**
 * Send for `ms` like the transfer layer: whenever the socket's own queue is small and the sink's
 * delivery room allows. Returns the bytes written and the most that was ever written but not yet
 * received by the hub.
 */
async function pump(h: Hub, sink: FrameSink, ms: number) {
  let written = 0;
  let worstInNetwork = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    while (sink.bufferedAmount < 64 * KiB && sink.deliveryRoom() >= FRAME.length) {
      sink.send(FRAME, () => undefined);
      written += FRAME.length;
    }
    worstInNetwork = Math.max(worstInNetwork, written - atHub(h));
    await sleep(2);
  }
  return { written, worstInNetwork };
}

describe('delivery measured with WebSocket pings', () => {
  it('behind an 8 Mbit/s uplink, what sits in the network stays near the limit, not megabytes', async () => {
    hub = await startHub();
    proxy = await startThrottleProxy({
      targetHost: '127.0.0.1',
      targetPort: hub.port,
      upBitsPerSecond: 8_000_000,
    });
    ({ tunnel } = tunnelTo(hub, 'tc_good', { server: `http://127.0.0.1:${proxy.port}` }));
    tunnel.start();
    await waitForStatus(tunnel, (s) => s.state === 'connected');
    const sink = tunnel.sink!;
    // The server answers probes: the room becomes finite as soon as something was written.
    sink.send('{"type":"chunk_end","requestId":"warmup"}', () => undefined);
    await hub.waitFor(() => Number.isFinite(sink.deliveryRoom()), 2000);

    const { written, worstInNetwork } = await pump(hub, sink, 1500);
    // 1 MB/s: 80 ms is 80 KB, under the 128 KiB floor. Allow the floor, one frame over it, and
    // what the proxy itself reads ahead. Without the meter the kernel takes megabytes here.
    expect(worstInNetwork).toBeLessThan(128 * KiB + FRAME.length + 32 * KiB);
    // And the link was kept busy: most of what 1.5 s at 1 MB/s can carry went through.
    expect(written).toBeGreaterThan(0.6 * 1_000_000 * 1.5);
    expect(hub.counters.invalidFrames).toBe(0); // pings are control frames, never seen as data
  });

  it('a server that ignores WebSocket pings is not limited, and every byte still arrives', async () => {
    hub = await startHub({ autoPong: false });
    ({ tunnel } = tunnelTo(hub));
    tunnel.start();
    await waitForStatus(tunnel, (s) => s.state === 'connected');
    const sink = tunnel.sink!;
    const { written } = await pump(hub, sink, 300);
    expect(sink.deliveryRoom()).toBe(Infinity);
    expect(written).toBeGreaterThan(1024 * KiB);
    await hub.waitFor(() => atHub(hub!) === written, 5000);
  });
});
