/**
 * The listener's estimate of the host's clock, NTP-style (Jellyfin SyncPlay's TimeSync): each
 * PING/PONG gives an offset `((t1 − t0) + (t2 − t3)) / 2` and a round trip `(t3 − t0) − (t2 − t1)`;
 * of the last 8 samples the one with the shortest round trip wins, because queueing delay is what
 * makes a sample wrong and it only ever adds. Pure: the page and the Node tests share it.
 */

/** One PING/PONG exchange: t0 sent and t3 received on the listener's clock, t1/t2 on the host's. */
export interface ClockSample {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

/** Samples kept (Jellyfin keeps 8). */
export const CLOCK_SAMPLES = 8;
/** Pings of a burst, one a second (after joining, a seek, or the tab becoming visible). */
export const BURST_PINGS = 3;
export const BURST_INTERVAL_MS = 1000;
/** Between bursts: a LAN can afford more than Jellyfin's 60 s. */
export const STEADY_INTERVAL_MS = 10_000;

/** Offset and round trip of one sample; undefined when its times cannot be real. */
export function measure(s: ClockSample): { offset: number; rtt: number } | undefined {
  const values = [s.t0, s.t1, s.t2, s.t3];
  if (!values.every(Number.isFinite)) return undefined;
  const rtt = s.t3 - s.t0 - (s.t2 - s.t1);
  // A reply that came back before it left, or a host that answered before it received: a bug or
  // a lie, not a measurement.
  if (s.t3 < s.t0 || s.t2 < s.t1 || rtt < 0) return undefined;
  return { offset: (s.t1 - s.t0 + (s.t2 - s.t3)) / 2, rtt };
}

/** The estimator: feed it samples, ask it to convert between the two clocks. */
export class ClockEstimator {
  private samples: { offset: number; rtt: number }[] = [];

  /** Adds a sample (the oldest beyond 8 is dropped); false when the sample was refused. */
  add(sample: ClockSample): boolean {
    const m = measure(sample);
    if (!m) return false;
    this.samples.push(m);
    if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
    return true;
  }

  /** Whether at least one sample is in. */
  get ready(): boolean {
    return this.samples.length > 0;
  }

  private best(): { offset: number; rtt: number } | undefined {
    let best: { offset: number; rtt: number } | undefined;
    for (const s of this.samples) if (!best || s.rtt < best.rtt) best = s;
    return best;
  }

  /** Host clock minus listener clock, ms (0 before any sample). */
  get offset(): number {
    return this.best()?.offset ?? 0;
  }

  /** Round trip of the sample in use, ms (0 before any sample). */
  get rtt(): number {
    return this.best()?.rtt ?? 0;
  }

  /** The host's time at listener time `local`. */
  toHost(local: number): number {
    return local + this.offset;
  }

  /** The listener's time at host time `host`. */
  toLocal(host: number): number {
    return host - this.offset;
  }
}

/**
 * How long to wait before the next ping, given how many pings the current burst has sent: every
 * second for the first 3, then every 10 s until something starts a new burst.
 */
export function nextPingDelay(sentInBurst: number): number {
  return sentInBurst < BURST_PINGS ? BURST_INTERVAL_MS : STEADY_INTERVAL_MS;
}
