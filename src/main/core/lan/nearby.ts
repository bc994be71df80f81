/**
 * The Nearby view's data: devices announcing themselves on the LAN (PeerBrowser, on the same
 * interfaces we announce on) and the paired ones (peers.json), as one NearbyState that changes as
 * devices come, go, pair and unpair.
 */
import { EventEmitter } from 'node:events';
import type {
  NearbyDevice,
  NearbyState,
  PairedDevice,
  PairRequest,
} from '../../../shared/contract';
import { PeerBrowser } from './discovery/browser';
import type { LanInterface } from './discovery/interfaces';
import { formatAddress, readPeers, updatePeer } from './pairing/peers-store';

/** Nearby and paired devices, for the window and the engine's `nearby` event. */
export class Nearby extends EventEmitter<{ change: [NearbyState] }> {
  private browser: PeerBrowser | null = null;
  private enabled = false;
  private myId: string | null = null;
  private readonly seen = new Map<string, Omit<NearbyDevice, 'paired'>>();
  private paired: PairedDevice[] = [];
  private readonly peerAddresses = new Map<string, string>();
  private requests: PairRequest[] = [];

  constructor(private readonly stateDir: string) {
    super();
  }

  /** Starts looking on `interfaces` (none: LAN sharing is on, but nothing is looked for). */
  async start(myId: string, interfaces: LanInterface[]): Promise<void> {
    this.stop(false);
    this.enabled = true;
    this.myId = myId;
    this.paired = await readPeers(this.stateDir);
    if (interfaces.length > 0) {
      const browser = new PeerBrowser({ interfaces, selfId: myId });
      browser.on('up', (p) => {
        this.seen.set(p.id, { id: p.id, name: p.name, address: p.address, port: p.port });
        if (p.pairPort) this.remember(p.id, formatAddress(p.address, p.pairPort));
        this.changed();
      });
      browser.on('down', (p) => {
        this.seen.delete(p.id);
        this.changed();
      });
      browser.start();
      this.browser = browser;
    }
    this.changed();
  }

  /** Stops looking (LAN sharing off). */
  stop(emit = true): void {
    this.browser?.stop();
    this.browser = null;
    this.seen.clear();
    const was = this.enabled;
    this.enabled = false;
    if (emit && was) this.changed();
  }

  /** Re-reads the paired devices (after a pairing, or a change from the command line). */
  async refreshPaired(): Promise<void> {
    const next = await readPeers(this.stateDir);
    if (JSON.stringify(next) === JSON.stringify(this.paired)) return;
    this.paired = next;
    this.changed();
  }

  /** Devices asking to pair by name (pairing/name-requests.ts). */
  setRequests(list: PairRequest[]): void {
    this.requests = list;
    this.changed();
  }

  /** Where a device's peer listener was seen on the network (`HOST:PORT`), if it was. */
  addressOf(id: string): string | undefined {
    return this.peerAddresses.get(id);
  }

  /** Keeps where a device was seen, and writes it down for a paired one (multicast may stop). */
  private remember(id: string, address: string): void {
    this.peerAddresses.set(id, address);
    const p = this.paired.find((x) => x.id === id);
    if (!p || p.address === address) return;
    void updatePeer(this.stateDir, id, (x) => ({ ...x, address }))
      .then(() => this.refreshPaired())
      .catch(() => undefined);
  }

  /** What the window shows. */
  state(): NearbyState {
    const pairedIds = new Set(this.paired.map((p) => p.id));
    return {
      enabled: this.enabled,
      myId: this.myId,
      nearby: [...this.seen.values()].map((d) => ({ ...d, paired: pairedIds.has(d.id) })),
      paired: this.paired.map((p) => ({ ...p, grants: { ...p.grants } })),
      requests: this.enabled ? this.requests.map((r) => ({ ...r })) : [],
    };
  }

  private changed(): void {
    this.emit('change', this.state());
  }
}
