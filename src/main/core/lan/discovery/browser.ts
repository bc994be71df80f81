/**
 * Finds other instances on the LAN: one multicast-dns socket per chosen interface (a socket sends
 * on one interface only), PTR queries for `_tunecamp-share._tcp.local` at start and then at a
 * slowing pace, and a peer table fed by answers and announcements, which drops a peer on its
 * goodbye (TTL 0) or when its records expire. Every packet is hostile input until it parses.
 */
import { EventEmitter } from 'node:events';
import makeMdns from 'multicast-dns';
import type { LanInterface } from './interfaces';
import { SERVICE_TYPE, parseTxt } from './txt';

const PTR_NAME = `_${SERVICE_TYPE}._tcp.local`;
/** Query pace: at start, then 1 s, 2 s, 4 s… up to every 30 s (announcements do the rest). */
const QUERY_STEPS_MS = [1000, 2000, 4000, 8000, 16_000, 30_000];
/** How many instances one browser tracks at most (a flood is dropped, not stored). */
const MAX_PEERS = 256;

/** A device seen on the network. */
export interface NearbyPeer {
  id: string;
  /** Its instance name, e.g. "studio-mac (3fa9c1)". */
  name: string;
  /** Where it answered from (the source address), which is reachable by construction. */
  address: string;
  port: number;
  version: number;
  /** The pairing listener's port, when announced. */
  pairPort?: number;
  interface: string;
}

interface Partial {
  name: string;
  srv?: { port: number; target: string };
  txt?: { id: string; version: number; pairPort?: number };
  address?: string;
  iface: string;
  expiresAt: number;
}

type Answer = { name: string; type: string; ttl?: number; data: unknown };

/** The browser; `up`/`down` as peers come and go. */
export class PeerBrowser extends EventEmitter<{ up: [NearbyPeer]; down: [NearbyPeer] }> {
  private readonly sockets: ReturnType<typeof makeMdns>[] = [];
  private readonly seen = new Map<string, Partial>();
  private readonly live = new Map<string, NearbyPeer>();
  private timer: NodeJS.Timeout | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private step = 0;

  constructor(
    private readonly opts: { interfaces: LanInterface[]; selfId?: string; now?: () => number },
  ) {
    super();
  }

  private now(): number {
    return this.opts.now?.() ?? performance.now();
  }

  /** The peers up now. */
  peers(): NearbyPeer[] {
    return [...this.live.values()];
  }

  /** Opens the sockets and starts querying. */
  start(): void {
    for (const iface of this.opts.interfaces) {
      // Bound to the wildcard: a socket bound to the interface's own address (the library's default
      // with `interface`) never receives the multicast answers.
      const mdns = makeMdns({
        interface: iface.address,
        bind: '0.0.0.0',
        reuseAddr: true,
        loopback: true,
      });
      mdns.on('response', (packet, rinfo) => {
        // RFC 6762 §6: answers come from port 5353; anything else is not a responder.
        if (rinfo.port !== 5353) return;
        const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])] as Answer[];
        this.absorb(records, rinfo.address, iface.name);
      });
      mdns.on('error', () => undefined);
      mdns.on('warning', () => undefined);
      this.sockets.push(mdns);
    }
    this.query();
    this.sweep = setInterval(() => this.expire(), 1000);
    this.sweep.unref();
  }

  /** Asks again now (a user pressed refresh, or the network changed). */
  query(): void {
    for (const s of this.sockets) s.query({ questions: [{ name: PTR_NAME, type: 'PTR' }] });
    if (this.timer) clearTimeout(this.timer);
    const wait = QUERY_STEPS_MS[Math.min(this.step++, QUERY_STEPS_MS.length - 1)]!;
    this.timer = setTimeout(() => this.query(), wait);
    this.timer.unref();
  }

  /** Closes every socket; no events after this. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.sweep) clearInterval(this.sweep);
    for (const s of this.sockets.splice(0)) s.destroy();
    this.removeAllListeners();
  }

  private absorb(records: Answer[], from: string, iface: string): void {
    const now = this.now();
    for (const r of records) {
      if (r.type === 'PTR' && r.name.toLowerCase() === PTR_NAME && typeof r.data === 'string') {
        const ttl = r.ttl ?? 0;
        if (ttl === 0) this.drop(r.data);
        else if (this.seen.has(r.data) || this.seen.size < MAX_PEERS) {
          const p = this.seen.get(r.data) ?? { name: r.data, iface, expiresAt: 0 };
          p.expiresAt = now + ttl * 1000;
          p.address = from;
          p.iface = iface;
          this.seen.set(r.data, p);
        }
      }
    }
    for (const r of records) {
      const p = this.seen.get(r.name);
      if (!p) continue;
      if (r.type === 'SRV') {
        const d = r.data as { port?: unknown; target?: unknown };
        if (typeof d.port === 'number' && d.port > 0 && d.port < 65536)
          p.srv = { port: d.port, target: String(d.target ?? '') };
      } else if (r.type === 'TXT' && Array.isArray(r.data)) {
        p.txt = parseTxt(r.data as (Buffer | string)[]) ?? undefined;
      }
      this.settle(p);
    }
  }

  private settle(p: Partial): void {
    if (!p.srv || !p.txt || !p.address || p.txt.id === this.opts.selfId) return;
    const peer: NearbyPeer = {
      id: p.txt.id,
      name: p.name.replace(`.${PTR_NAME}`, ''),
      address: p.address,
      port: p.srv.port,
      version: p.txt.version,
      ...(p.txt.pairPort ? { pairPort: p.txt.pairPort } : {}),
      interface: p.iface,
    };
    const before = this.live.get(p.name);
    this.live.set(p.name, peer);
    if (!before || JSON.stringify(before) !== JSON.stringify(peer)) this.emit('up', peer);
  }

  private drop(name: string): void {
    this.seen.delete(name);
    const peer = this.live.get(name);
    if (!peer) return;
    this.live.delete(name);
    this.emit('down', peer);
  }

  private expire(): void {
    const now = this.now();
    for (const [name, p] of this.seen) if (p.expiresAt <= now) this.drop(name);
  }
}
