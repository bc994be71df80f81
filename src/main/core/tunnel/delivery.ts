/**
 * How much of what we wrote has really reached the server, measured with WebSocket-level pings.
 *
 * On a slow uplink the kernel accepts megabytes into socket buffers long before the link can carry
 * them, and Node exposes neither SO_SNDBUF nor TCP_NOTSENT_LOWAT. A JSON pong or the end of a
 * cancelled stream would then wait seconds behind audio that no user-space counter can see. TCP
 * keeps bytes in order and the server parses frames in order, so when the pong for a ping sent
 * after byte N comes back, the first N bytes have been delivered. That gives the bytes still in the
 * network (`unconfirmed`) and a delivery rate, and with them a limit on bytes in the network of
 * about `targetMs` of the link's rate plus one round trip.
 *
 * WebSocket pings do not count as liveness for TuneCamp (PROTOCOL.md §2); they are only a
 * measuring stick here. A server that never answers them leaves the limit at Infinity (no change
 * from plain socket pacing), and so does one that stops answering for `giveUpMs`, so a sender can
 * never hang on a missing pong. Pure logic: the socket and the clock are injected.
 */

/** Tuning knobs (bytes and milliseconds). */
export interface DeliveryOptions {
  /** Queueing delay we accept on the link. */
  targetMs: number;
  /** Smallest limit (so a slow link still carries a couple of chunk frames at a time). */
  minLimit: number;
  /** Largest limit. */
  maxLimit: number;
  /** Rate samples older than this are forgotten (the windowed-max filter's span). */
  rateSpanMs: number;
  /**
   * A probe unanswered this long: stop limiting until the next answer (the server stopped
   * answering pings, or one huge frame such as a manifest is crossing a very slow link).
   */
  giveUpMs: number;
  /** Most probes in flight at once. */
  maxOutstanding: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  targetMs: 80,
  minLimit: 128 * 1024,
  maxLimit: 32 * 1024 * 1024,
  rateSpanMs: 2000,
  giveUpMs: 10_000,
  maxOutstanding: 32,
};

interface Probe {
  seq: number;
  /** Cumulative bytes written before this probe. */
  bytes: number;
  at: number;
}

interface Confirmation {
  at: number;
  delivered: number;
}

/** Rate samples must span at least this long, so two pongs read in one tick do not read as infinite. */
const MIN_SAMPLE_MS = 20;
/** The windowed-max filter keeps one maximum per slot this long. */
const RATE_SLOT_MS = 100;
/**
 * With no probe in flight, one is sent once the bytes in the network come this close to the limit:
 * more than any frame, so a sender that the limit holds back always has a pong coming to wake it.
 */
const PROBE_HEADROOM = 128 * 1024;

/** Delivery accounting for one socket. */
export class DeliveryMeter {
  private readonly o: DeliveryOptions;
  private written = 0;
  private delivered = 0;
  private seq = 0;
  private probes: Probe[] = [];
  private confirmations: Confirmation[] = [];
  /** Highest rate sample per RATE_SLOT_MS slot, oldest first (a windowed-max filter). */
  private rates: { slot: number; rate: number }[] = [];
  /** The limit as of the last answer (recomputed per pong, not per frame). */
  private lim = Infinity;
  private minRtt = Infinity;
  private answered = false;
  private lastProbeBytes = 0;
  private listeners = new Set<() => void>();
  private giveUpTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ping: (payload: Buffer) => void,
    private readonly now: () => number,
    opts: Partial<DeliveryOptions> = {},
  ) {
    this.o = { ...DEFAULT_DELIVERY, ...opts };
  }

  /** Bytes written and not yet confirmed delivered. */
  get unconfirmed(): number {
    return this.written - this.delivered;
  }

  /** True once the server has answered a probe (the limit applies from then on). */
  get measuring(): boolean {
    return this.answered;
  }

  /** Highest recent delivery rate (bytes/s), 0 before any sample. */
  rate(): number {
    const oldest = Math.floor((this.now() - this.o.rateSpanMs) / RATE_SLOT_MS);
    let best = 0;
    for (const r of this.rates) if (r.slot >= oldest && r.rate > best) best = r.rate;
    return best;
  }

  /** Bytes allowed in the network: Infinity until the server has answered a probe. */
  limit(): number {
    if (!this.answered || this.stalled()) return Infinity;
    return this.lim;
  }

  /** How many more bytes may be written now (Infinity when not limiting). */
  room(): number {
    return this.limit() - this.unconfirmed;
  }

  /** Call after every frame handed to the socket, with its payload size. May send a probe. */
  wrote(bytes: number): void {
    this.written += bytes;
    this.maybeProbe();
  }

  /** A pong arrived; returns false if it was not one of ours. */
  pong(payload: Buffer): boolean {
    if (payload.length !== 4) return false;
    const seq = payload.readUInt32BE(0);
    const i = this.probes.findIndex((p) => p.seq === seq);
    if (i < 0) return false;
    const probe = this.probes[i]!;
    // Pongs come back in order; any older probe still listed was answered implicitly.
    this.probes.splice(0, i + 1);
    const now = this.now();
    this.answered = true;
    this.minRtt = Math.min(this.minRtt, now - probe.at);
    if (probe.bytes > this.delivered) this.delivered = probe.bytes;
    this.sample(now);
    const want = (this.rate() * (this.minRtt + this.o.targetMs)) / 1000;
    this.lim = Math.round(Math.max(this.o.minLimit, Math.min(this.o.maxLimit, want)));
    this.maybeProbe();
    for (const fn of this.listeners) fn();
    return true;
  }

  /** Be told when more bytes are confirmed (room may have opened). Returns an unsubscribe. */
  onDelivered(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Forget listeners (the socket is gone). */
  dispose(): void {
    this.listeners.clear();
    this.probes = [];
    clearTimeout(this.giveUpTimer);
    this.giveUpTimer = undefined;
  }

  /** The oldest probe has waited longer than giveUpMs. */
  private stalled(): boolean {
    const oldest = this.probes[0];
    return !!oldest && this.now() - oldest.at > this.o.giveUpMs;
  }

  private maybeProbe(): void {
    if (this.written <= this.lastProbeBytes) return;
    if (this.probes.length >= this.o.maxOutstanding) return;
    const lim = this.answered ? this.lim : 256 * 1024;
    const every = Math.min(1024 * 1024, Math.max(16 * 1024, Math.floor(lim / 4)));
    // Probe every quarter of the limit (at most every MiB); and with none in flight, as soon as
    // the network nears the limit (or before the first answer), so a held-back sender is woken.
    const due =
      this.written - this.lastProbeBytes >= every ||
      (this.probes.length === 0 && (!this.answered || this.unconfirmed + PROBE_HEADROOM >= lim));
    if (!due) return;
    const seq = (this.seq = (this.seq + 1) >>> 0);
    const payload = Buffer.allocUnsafe(4);
    payload.writeUInt32BE(seq, 0);
    this.probes.push({ seq, bytes: this.written, at: this.now() });
    this.lastProbeBytes = this.written;
    this.ping(payload);
    this.armGiveUp();
  }

  /**
   * While probes are out, a timer checks for the moment the oldest passes giveUpMs, and then tells
   * the listeners: the limit is lifted, and a sender it held back must not wait for a pong that
   * may never come.
   */
  private armGiveUp(): void {
    const oldest = this.probes[0];
    if (this.giveUpTimer || !oldest) return;
    const wait = Math.max(1, oldest.at + this.o.giveUpMs - this.now() + 1);
    this.giveUpTimer = setTimeout(() => {
      this.giveUpTimer = undefined;
      if (this.stalled()) for (const fn of this.listeners) fn();
      else this.armGiveUp();
    }, wait);
    this.giveUpTimer.unref?.();
  }

  /** Delivery rate between this confirmation and the newest one at least MIN_SAMPLE_MS older. */
  private sample(now: number): void {
    const c = this.confirmations;
    c.push({ at: now, delivered: this.delivered });
    while (c.length > 2 && now - c[1]!.at >= MIN_SAMPLE_MS) c.shift();
    if (c.length > 64) c.shift();
    const base = c[0]!;
    const dt = now - base.at;
    if (dt >= MIN_SAMPLE_MS && this.delivered > base.delivered) {
      const rate = ((this.delivered - base.delivered) * 1000) / dt;
      const slot = Math.floor(now / RATE_SLOT_MS);
      const last = this.rates.at(-1);
      if (last?.slot === slot) last.rate = Math.max(last.rate, rate);
      else this.rates.push({ slot, rate });
      const oldest = Math.floor((now - this.o.rateSpanMs) / RATE_SLOT_MS);
      while (this.rates.length > 0 && this.rates[0]!.slot < oldest) this.rates.shift();
    }
  }
}
