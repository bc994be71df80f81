import { describe, expect, it } from 'vitest';
import { DeliveryMeter, type DeliveryOptions } from '../../../src/main/core/tunnel/delivery';

const KiB = 1024;

/**
 * A simulated link for the meter: `rate` bytes/s after a fixed one-way delay; the server answers a
 * ping when every byte written before it has crossed. The clock is manual.
 */
function simulate(rate: number, delayMs = 1) {
  let now = 0;
  let written = 0;
  const pings: { payload: Buffer; after: number }[] = [];
  const meter = new DeliveryMeter(
    (payload) => pings.push({ payload, after: written }),
    () => now,
  );
  /** Time at which byte `n` has crossed the link, given everything was written at t=0 onward. */
  let linkFree = 0;
  const crossed: { upTo: number; at: number }[] = [];
  const write = (bytes: number) => {
    written += bytes;
    linkFree = Math.max(linkFree, now) + (bytes * 1000) / rate;
    crossed.push({ upTo: written, at: linkFree + delayMs });
    meter.wrote(bytes);
  };
  /** Deliver every pong whose bytes have crossed by `now` (plus the return delay). */
  const deliver = () => {
    while (pings.length > 0) {
      const p = pings[0]!;
      const c = crossed.find((x) => x.upTo >= p.after);
      const at = (c?.at ?? now) + delayMs;
      if (at > now) return;
      pings.shift();
      meter.pong(p.payload);
    }
  };
  return {
    meter,
    pings,
    /** Write a tiny frame and wait for its pong, so the meter is measuring (room is finite). */
    prime() {
      write(100);
      while (!meter.measuring) {
        now += 0.5;
        deliver();
      }
    },
    write,
    deliver,
    advance(ms: number) {
      now += ms;
      deliver();
    },
    get now() {
      return now;
    },
  };
}

/**
 * A meter whose pings land in `sent` and whose clock is `clock.now` (set it by hand); pass
 * `realClock` for tests that wait on the meter's own timer.
 */
function manual(opts: Partial<DeliveryOptions> = {}, realClock = false) {
  const sent: Buffer[] = [];
  const clock = { now: 0 };
  const meter = new DeliveryMeter(
    (p) => sent.push(p),
    realClock ? () => performance.now() : () => clock.now,
    opts,
  );
  return { meter, sent, clock };
}

describe('delivery meter', () => {
  it('does not limit until the server has answered a probe, and probes after the first write', () => {
    const sim = simulate(2_500_000);
    expect(sim.meter.limit()).toBe(Infinity);
    expect(sim.pings).toHaveLength(0);
    sim.write(1000);
    expect(sim.pings).toHaveLength(1);
    expect(sim.meter.unconfirmed).toBe(1000);
    expect(sim.meter.room()).toBe(Infinity);
    sim.advance(5);
    expect(sim.meter.measuring).toBe(true);
    expect(sim.meter.unconfirmed).toBe(0);
    expect(sim.meter.limit()).toBe(128 * KiB);
  });

  it('ignores pongs that are not ours and counts older probes as answered by a newer pong', () => {
    const { meter, sent, clock } = manual();
    expect(meter.pong(Buffer.from('hello'))).toBe(false);
    meter.wrote(100 * KiB); // probe 1 (none outstanding)
    meter.wrote(100 * KiB); // probe 2 (a quarter of the default 256 KiB passed)
    expect(sent).toHaveLength(2);
    expect(meter.pong(Buffer.from([0, 0, 0, 99]))).toBe(false);
    clock.now = 10;
    expect(meter.pong(sent[1]!)).toBe(true);
    expect(meter.unconfirmed).toBe(0);
    // The first probe's late pong is stale now.
    expect(meter.pong(sent[0]!)).toBe(false);
  });

  it('on a 20 Mbit/s link the limit settles near 80 ms of the rate, and what is queued stays there', () => {
    const rate = 2_500_000;
    const sim = simulate(rate);
    sim.prime();
    let worstQueue = 0;
    // A sender that writes 87 KiB frames whenever the meter has room, for 5 simulated seconds.
    while (sim.now < 5000) {
      while (sim.meter.room() >= 87 * KiB) sim.write(87 * KiB);
      worstQueue = Math.max(worstQueue, sim.meter.unconfirmed);
      sim.advance(1);
    }
    const limit = sim.meter.limit();
    expect(limit).toBeGreaterThan(0.06 * rate);
    expect(limit).toBeLessThan(0.15 * rate);
    // Queued bytes never exceeded the limit plus one frame: at most ~150 ms at this rate.
    expect(worstQueue).toBeLessThan(0.15 * rate + 87 * KiB);
    expect(sim.meter.rate()).toBeGreaterThan(0.9 * rate);
    expect(sim.meter.rate()).toBeLessThan(1.1 * rate);
  });

  it('on a fast link the limit opens up so throughput is not capped', () => {
    const rate = 500_000_000;
    const sim = simulate(rate, 0.1);
    sim.prime();
    let sent = 0;
    while (sim.now < 200) {
      while (sim.meter.room() >= 87 * KiB) {
        sim.write(87 * KiB);
        sent += 87 * KiB;
      }
      sim.advance(0.5);
    }
    expect(sim.meter.limit()).toBeGreaterThan(8 * 1024 * KiB);
    // At least 80 % of what the link could carry in 200 ms went out.
    expect(sent).toBeGreaterThan(0.8 * rate * 0.2);
  });

  it('always keeps a probe covering the newest bytes, so a held-back sender is woken', () => {
    const sim = simulate(1_000_000);
    let woken = 0;
    sim.meter.onDelivered(() => woken++);
    sim.write(10);
    sim.advance(5);
    for (let i = 0; i < 50; i++) sim.write(10 * KiB);
    // Every write is covered by a probe: the last one's pong confirms everything.
    sim.advance(2000);
    expect(sim.meter.unconfirmed).toBe(0);
    expect(woken).toBeGreaterThan(1);
  });

  it('stops limiting when probes go unanswered for giveUpMs, and resumes on the next answer', () => {
    const { meter, sent, clock } = manual({ giveUpMs: 1000 });
    meter.wrote(10);
    clock.now = 1;
    meter.pong(sent[0]!);
    meter.wrote(200 * KiB);
    expect(meter.room()).toBeLessThan(0);
    clock.now = 1500;
    expect(meter.limit()).toBe(Infinity);
    meter.pong(sent[sent.length - 1]!);
    expect(meter.limit()).toBe(128 * KiB);
  });

  it('sends no probes after dispose and keeps at most maxOutstanding in flight', () => {
    const { meter, sent } = manual({ maxOutstanding: 3 });
    for (let i = 0; i < 20; i++) meter.wrote(1024 * KiB);
    expect(sent).toHaveLength(3);
    let called = 0;
    meter.onDelivered(() => called++);
    meter.dispose();
    expect(meter.pong(sent[2]!)).toBe(false);
    expect(called).toBe(0);
  });

  it('wakes a held-back sender when probes go unanswered, instead of leaving it waiting', async () => {
    const { meter, sent } = manual({ giveUpMs: 60 }, true);
    meter.wrote(10);
    meter.pong(sent[0]!);
    meter.wrote(200 * 1024); // over the limit: a sender would now wait for a pong
    expect(meter.room()).toBeLessThan(0);
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 2000);
      meter.onDelivered(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    expect(woken).toBe(true);
    expect(meter.room()).toBe(Infinity);
    meter.dispose();
  });
});
