/**
 * Browsing, playing and downloading from paired devices, for the engine: the peer commands of the
 * contract. Devices are found by id, id prefix or name in peers.json, and reached at the address
 * remembered there (set at pairing, by mDNS, or by hand), else where mDNS last saw them.
 * Downloads go through the resumable DownloadQueue with a pinned mutual-TLS transport, and the
 * list is kept in `<stateDir>/downloads.json`, so they carry on after a restart of either side.
 */
import path from 'node:path';
import type { PeerDownload, PeerListing, PeerSearchResult } from '../../../../shared/contract';
import { DownloadQueue, type DownloadStatus } from '../downloads/queue';
import { bearerFetch, DownloadError } from '../downloads/transport';
import { loadIdentity, type Identity, type KeyVault } from '../identity';
import {
  findPeer,
  parseAddress,
  readPeers,
  updatePeer,
  type PairedPeer,
} from '../pairing/peers-store';
import type { PeerCommandHandlers } from './peer-commands';
import { peerIdOfUrl, peerJson, peerUrlOf, pinnedFetch, type PeerTarget } from './peer-client';
import { startPeerProxy, type PeerProxy } from './peer-proxy';
import { collectTracks } from './peer-walk';

/** What the hub needs from the engine. */
export interface PeerHubOptions {
  stateDir: string;
  /** Where mDNS last saw a device's peer listener (`HOST:PORT`). */
  seenAt: (id: string) => string | undefined;
  /** A device's grants or address changed: cut what it may no longer do, tell the window. */
  peersChanged: () => Promise<void>;
  downloads: (list: PeerDownload[]) => void;
  /** Downloads at once per device (default 2). */
  perPeer?: number;
  /** Seals the identity's private key (identity.ts). */
  keyVault?: KeyVault;
}

/** The peer commands and what they run on. */
export class PeerHub {
  private queue: DownloadQueue | null = null;
  private proxy: Promise<PeerProxy> | null = null;
  private proxyNow: PeerProxy | null = null;
  private me: Promise<Identity> | null = null;
  private emitTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: PeerHubOptions) {}

  /** Opens the download list and carries on with what it holds. */
  async start(): Promise<void> {
    const fetchPinned = pinnedFetch(await this.identity(), (id) => this.locate(id));
    this.queue = await DownloadQueue.open({
      transport: (peer) => (peerIdOfUrl(peer) ? fetchPinned : bearerFetch(undefined)),
      perPeer: this.o.perPeer ?? 2,
      stateFile: path.join(this.o.stateDir, 'downloads.json'),
    });
    this.queue.on('change', () => this.emitSoon(0));
    this.queue.on('progress', () => this.emitSoon(250));
  }

  /** Stops downloads (kept for the next start) and the proxy. */
  async close(): Promise<void> {
    if (this.emitTimer) clearTimeout(this.emitTimer);
    await this.queue?.close();
    this.queue = null;
    const proxy = this.proxy;
    this.proxy = null;
    this.proxyNow = null;
    await (await proxy?.catch(() => null))?.close();
  }

  /** The loopback proxy's port, once a track has been played (the control server forwards to it). */
  proxyPort(): number | undefined {
    return this.proxyNow?.port;
  }

  private identity(): Promise<Identity> {
    return (this.me ??= loadIdentity(this.o.stateDir, this.o.keyVault));
  }

  private async peer(key: string): Promise<PairedPeer> {
    const found = findPeer(await readPeers(this.o.stateDir), key);
    if (typeof found === 'string') throw new Error(found[0]!.toUpperCase() + found.slice(1) + '.');
    return found;
  }

  /** Where a paired device is now; an unpaired one is refused for good. */
  async locate(id: string): Promise<PeerTarget> {
    const p = (await readPeers(this.o.stateDir)).find((x) => x.id === id);
    if (!p) throw new DownloadError('the device is no longer paired', false, 403);
    const a = parseAddress(p.address ?? this.o.seenAt(id) ?? '');
    // Retryable: the device may show up on the network later.
    if (!a)
      throw Object.assign(new Error(`${p.name} has no known address`), { code: 'EHOSTUNREACH' });
    return { ...a, id };
  }

  private async ask<T>(key: string, pathAndQuery: string): Promise<T> {
    const p = await this.peer(key);
    return peerJson<T>(await this.locate(p.id), await this.identity(), pathAndQuery);
  }

  private running(): DownloadQueue {
    if (!this.queue) throw new Error('Downloads are not ready yet.');
    return this.queue;
  }

  private emitSoon(ms: number): void {
    if (this.emitTimer) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      this.o.downloads(this.list());
    }, ms);
  }

  private list(): PeerDownload[] {
    return (this.queue?.list() ?? []).map(toPeerDownload);
  }

  /** The handlers the engine exposes. */
  readonly commands: PeerCommandHandlers = {
    setPeerGrants: async (key, change) => {
      const p = await updatePeer(this.o.stateDir, key, (x) => {
        if (change.folder === undefined) return { ...x, grants: { ...x.grants, ...change.grants } };
        const folders = { ...x.folders };
        if (change.inherit) delete folders[change.folder];
        else folders[change.folder] = { ...(folders[change.folder] ?? x.grants), ...change.grants };
        return { ...x, folders };
      });
      await this.o.peersChanged();
      return p;
    },
    setPeerAddress: async (key, address) => {
      if (!parseAddress(address))
        throw new Error(
          `"${address}" is not HOST:PORT with an IP address (e.g. 192.168.1.20:47311).`,
        );
      const p = await updatePeer(this.o.stateDir, key, (x) => ({ ...x, address: address.trim() }));
      await this.o.peersChanged();
      return p;
    },
    browsePeer: (key, p) => this.ask<PeerListing>(key, `/peer/v1/ls?path=${encodeURIComponent(p)}`),
    searchPeer: (key, term) =>
      this.ask<PeerSearchResult>(key, `/peer/v1/search?q=${encodeURIComponent(term)}&limit=100`),
    peerTrackUrl: async (key, trackId) => {
      const p = await this.peer(key);
      this.proxy ??= startPeerProxy({ me: () => this.identity(), locate: (id) => this.locate(id) });
      this.proxyNow = await this.proxy;
      return this.proxyNow.url(p.id, trackId);
    },
    downloadFromPeer: async (key, what, toDir) => {
      const p = await this.peer(key);
      const browse = (q: string) =>
        this.ask<PeerListing>(p.id, `/peer/v1/ls?path=${encodeURIComponent(q)}`);
      const find = (id: string) =>
        this.ask<PeerSearchResult>(p.id, `/peer/v1/search?q=${id}&limit=1`).then((r) =>
          r.tracks.find((t) => t.id === id),
        );
      const picked = await collectTracks(what, { browse, find });
      const added = this.running().add(
        toDir,
        picked.map((t) => ({ peer: peerUrlOf(p.id), trackId: t.trackId, relPath: t.relPath })),
      );
      return added.map(toPeerDownload);
    },
    getDownloads: async () => this.list(),
    pauseDownload: async (id) => this.running().pause(id),
    resumeDownload: async (id) => this.running().resume(id),
    cancelDownload: async (id) => this.running().cancel(id),
  };
}

function toPeerDownload(s: DownloadStatus): PeerDownload {
  return {
    id: s.key,
    peerId: peerIdOfUrl(s.peer) ?? s.peer,
    trackId: s.trackId,
    relPath: s.relPath,
    destDir: s.destDir,
    state: s.state,
    received: s.received,
    size: s.size,
    ...(s.file !== undefined && { file: s.file }),
    ...(s.error !== undefined && { error: s.error }),
  };
}
