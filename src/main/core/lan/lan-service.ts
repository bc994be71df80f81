/**
 * The engine's LAN part: the device tokens and, when the `lan` setting is on, the range server.
 * Follows the setting (start, stop, restart on a new address) and keeps the server in step with
 * the token file, which the `lan-token` command line may change while the daemon runs.
 */
import os from 'node:os';
import type { LanSettings } from '../../../shared/contract';
import type { Logger } from '../logger';
import { LanServer, type LanLimits } from './lan-server';
import type { LanTokens } from './lan-tokens';
import type { LanTrack } from './serve-track';
import { advertise, type Advertisement } from './discovery/advertiser';
import { loadIdentity, type KeyVault } from './identity';
import { startPeerServer, type PeerServer } from './peer/peer-server';
import type { CatalogSource } from './peer/catalog';
import type { PeerTrackSource } from './peer/peer-routes';
import { addPeer, formatAddress, parseAddress, readPeers, removePeer } from './pairing/peers-store';
import { formatPairLink, parsePairLink } from './pairing/link';
import { createOffer } from './pairing/offers';
import { pairWithLink } from './pairing/pair-client';
import { Nearby } from './nearby';
import { writeFileAtomic } from '../fs/atomic-write';
import path from 'node:path';
import { chooseInterfaces } from './discovery/interfaces';
import { NamePairing } from './pairing/name-pairing';
import { RoomHost } from './rooms/room-host';
import { roomPageScript } from './rooms/page-script';
import { dataSaverIn } from './rooms/hls-routes';

/** What the service needs from the engine. */
export interface LanServiceOptions {
  resolve: (id: string) => LanTrack | undefined;
  onStale: (id: string) => void;
  /** Tells the user (the activity log). */
  note: (level: 'info' | 'warn', message: string) => void;
  log: Logger;
  limits?: Partial<LanLimits>;
  /** How often the token file is checked for changes made elsewhere (default 1 s). */
  tokenPollMs?: number;
  /**
   * The state folder: when given, the device's identity is announced on the LAN (mDNS) and the
   * pairing listener runs beside the range server.
   */
  stateDir?: string;
  /** Seals the identity's private key (identity.ts); absent: a 0600 file. */
  keyVault?: KeyVault;
  /** What paired devices may browse (the library's shared folders), and their tracks by id. */
  catalog?: CatalogSource;
  peerTrack?: PeerTrackSource;
}

/** The tokens and the server, following the `lan` setting. */
export class LanService {
  private server: LanServer | null = null;
  private advert: Advertisement | null = null;
  private pairing: PeerServer | null = null;
  private paired = new Set<string>();
  private endpoint: { id: string; pairPort: number; addresses: string[] } | null = null;
  /** Nearby and paired devices (the window's Nearby view). */
  readonly nearby: Nearby | null;
  /** Pairing by name, while the peer listener runs. */
  private names: NamePairing | null = null;
  /** Listening rooms, served by the range server while it runs (rooms/). */
  readonly rooms: RoomHost;
  private current: LanSettings | null = null;
  private poll: NodeJS.Timeout | null = null;
  /** Serialises `apply` calls (settings may change twice quickly). */
  private queue: Promise<void> = Promise.resolve();

  /** `tokens` is the opened store (`LanTokens.open`). */
  constructor(
    readonly tokens: LanTokens,
    private readonly opts: LanServiceOptions,
  ) {
    this.nearby = opts.stateDir ? new Nearby(opts.stateDir) : null;
    this.rooms = new RoomHost({
      pageScript: roomPageScript(),
      maxRangeBytes: opts.limits?.maxRangeBytes ?? 8 * 1024 * 1024,
      chunkSize: opts.limits?.chunkSize ?? 1024 * 1024,
      onStale: opts.onStale,
      // The rooms' data saver: renditions made with the host's ffmpeg, kept in <state>/hls.
      dataSaver: opts.stateDir ? dataSaverIn(path.join(opts.stateDir, 'hls')) : undefined,
    });
    // A revoked device loses its open responses too, whichever process revoked it.
    tokens.on('revoked', (name) => this.server?.cutDevice(name));
  }

  /** The listening port, or undefined when off. */
  get port(): number | undefined {
    return this.server?.port;
  }

  /**
   * The addresses a listener on the LAN can use for this server: its own address when bound to
   * one, else those of the LAN-like interfaces (loopback when there is none).
   */
  roomAddresses(): string[] {
    const lan = this.current;
    if (!lan) return [];
    if (lan.host !== '0.0.0.0' && lan.host !== '::') return [lan.host];
    const found = chooseInterfaces(os.networkInterfaces(), lan.interfaces ?? []).map(
      (i) => i.address,
    );
    return found.length > 0 ? [...new Set(found)] : ['127.0.0.1'];
  }

  /** Starts, stops or moves the server to match `lan`. Never rejects: a failure is reported. */
  apply(lan: LanSettings): Promise<void> {
    this.queue = this.queue.then(() => this.applyNow(lan));
    return this.queue;
  }

  /** Stops the server and the token poll. */
  async close(): Promise<void> {
    await this.apply({ enabled: false, port: 0, host: '' });
  }

  /**
   * Starts the pairing listener (next port up, or any free one) and announces the device on the
   * chosen interfaces; writes where the listener is for `tunecamp-share pair-link`. Failures are
   * reported, never fatal: the range server runs regardless.
   */
  private async announce(lan: LanSettings): Promise<void> {
    const stateDir = this.opts.stateDir;
    if (!stateDir || !this.server) return;
    const wildcard = lan.host === '0.0.0.0' || lan.host === '::';
    // A server bound to one address is announced only where that address is: never elsewhere
    // (it would be unreachable there), and never at all when it is loopback.
    const interfaces = chooseInterfaces(os.networkInterfaces(), lan.interfaces ?? []).filter(
      (i) => wildcard || i.address === lan.host,
    );
    try {
      const me = await loadIdentity(stateDir, this.opts.keyVault);
      if (me.renewed)
        this.opts.note('warn', 'LAN identity was damaged: paired devices must pair again');
      this.pairing = await startPeerServer({
        stateDir,
        me,
        name: os.hostname(),
        host: lan.host,
        port: lan.port === 0 ? 0 : lan.port + 1,
        catalog: this.opts.catalog ?? { roots: () => [], entries: () => [] },
        track: this.opts.peerTrack ?? (() => undefined),
        onStale: this.opts.onStale,
        limits: this.opts.limits,
        note: (m) => {
          this.opts.note('info', m);
          void this.nearby?.refreshPaired();
        },
        nameRequests: () => this.names?.incoming ?? null,
      });
      this.names = new NamePairing({
        stateDir,
        me,
        myName: os.hostname(),
        myPort: this.pairing.port,
        locate: (id) => {
          const a = parseAddress(this.nearby?.addressOf(id) ?? '');
          return a ? { ...a, id } : undefined;
        },
        paired: (name) => {
          this.opts.note('info', `Paired with ${name}`);
          void this.followPeers();
        },
        changed: () => this.nearby?.setRequests(this.names?.incoming.list() ?? []),
      });
      this.paired = new Set((await readPeers(stateDir)).map((p) => p.id));
      const addresses = interfaces.map((i) => i.address);
      if (lan.host !== '0.0.0.0' && lan.host !== '::') addresses.unshift(lan.host);
      this.endpoint = {
        id: me.id,
        pairPort: this.pairing.port,
        addresses: [...new Set(addresses)],
      };
      // Where the listener is, for `tunecamp-share pair-link` run in another process.
      await writeFileAtomic(
        path.join(stateDir, 'lan-endpoint.json'),
        JSON.stringify(this.endpoint),
      );
      await this.nearby?.start(me.id, interfaces);
      if (interfaces.length === 0) {
        this.opts.note(
          wildcard ? 'warn' : 'info',
          wildcard
            ? 'LAN sharing is not announced: no network interface looks like a LAN'
            : `LAN sharing is bound to ${lan.host} only: not announced on the network`,
        );
        return;
      }
      this.advert = await advertise({
        id: me.id,
        port: this.server.port,
        pairPort: this.pairing.port,
        interfaces,
      });
    } catch (err) {
      this.opts.note('warn', `LAN sharing is not announced: ${(err as Error).message}`);
    }
  }

  /** One-time pairing links for the listener (empty while LAN sharing is off). */
  async pairLinks(): Promise<string[]> {
    const e = this.endpoint;
    if (!e || !this.opts.stateDir) return [];
    const secret = await createOffer(this.opts.stateDir);
    return e.addresses.map((host) => formatPairLink({ host, port: e.pairPort, id: e.id, secret }));
  }

  /** Pairs with the host of a pairing link; resolves with its name. */
  async pair(text: string): Promise<string> {
    const link = parsePairLink(text);
    if (typeof link === 'string') throw new Error(`Cannot pair: ${link}.`);
    if (!this.opts.stateDir) throw new Error('Cannot pair without a state folder.');
    const me = await loadIdentity(this.opts.stateDir, this.opts.keyVault);
    const name = await pairWithLink(link, me, os.hostname(), this.pairing?.port);
    const address = formatAddress(link.host, link.port);
    await addPeer(this.opts.stateDir, { id: link.id, name, address });
    await this.nearby?.refreshPaired();
    return name;
  }

  /** Pairing by name (the Nearby list); throws while LAN sharing is off. */
  get byName(): NamePairing {
    if (!this.names) throw new Error('Turn on LAN sharing first: pairing runs beside it.');
    return this.names;
  }

  /** Forgets a paired device and cuts its connections; false when none has that id. */
  async unpair(id: string): Promise<boolean> {
    if (!this.opts.stateDir) return false;
    const gone = await removePeer(this.opts.stateDir, id);
    if (!gone) return false;
    this.pairing?.revoke(gone.id);
    await this.followPeers();
    return true;
  }

  /**
   * Cuts the open connections of devices unpaired elsewhere (the command line), and the responses
   * of devices that lost the grant they were using.
   */
  async followPeers(): Promise<void> {
    if (!this.opts.stateDir || !this.pairing) return;
    const peers = await readPeers(this.opts.stateDir);
    const now = new Set(peers.map((p) => p.id));
    for (const id of this.paired) if (!now.has(id)) this.pairing.revoke(id);
    this.pairing.recheck(peers);
    this.paired = now;
    await this.nearby?.refreshPaired();
  }

  /** The peer listener's port while LAN sharing runs. */
  get peerPort(): number | undefined {
    return this.pairing?.port;
  }

  private async applyNow(lan: LanSettings): Promise<void> {
    const c = this.current;
    if (
      c &&
      lan.enabled &&
      c.port === lan.port &&
      c.host === lan.host &&
      (c.interfaces ?? []).join() === (lan.interfaces ?? []).join()
    )
      return;
    if (this.advert) {
      // Goodbyes first, so browsers drop us before the port closes.
      await this.advert.stop();
      this.advert = null;
    }
    await this.pairing?.close();
    this.pairing = null;
    this.endpoint = null;
    this.names?.close();
    this.names = null;
    this.nearby?.setRequests([]);
    this.nearby?.stop();
    if (this.server) {
      this.rooms.closeAll('LAN sharing stopped');
      await this.server.close();
      this.server = null;
      this.current = null;
      this.opts.note('info', 'LAN sharing stopped');
    }
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    if (!lan.enabled) return;
    try {
      this.server = await LanServer.start({
        host: lan.host,
        port: lan.port,
        resolve: this.opts.resolve,
        authorize: (req) => this.tokens.verify(req.headers.authorization),
        onStale: this.opts.onStale,
        limits: this.opts.limits,
        rooms: this.rooms,
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const why =
        code === 'EADDRINUSE'
          ? `port ${lan.port} is in use: choose another LAN port`
          : `cannot listen on ${lan.host}:${lan.port} (${code})`;
      this.opts.note('warn', `LAN sharing is off: ${why}`);
      return;
    }
    this.current = { ...lan };
    const devices = this.tokens.list().length;
    this.opts.note(
      'info',
      `LAN sharing on ${lan.host}:${this.server.port} for ${devices} device${devices === 1 ? '' : 's'}`,
    );
    await this.announce(lan);
    this.poll = setInterval(() => {
      this.tokens.refresh().catch((err: Error) => this.opts.log.warn(`LAN tokens: ${err.message}`));
      void this.followPeers().catch(() => undefined);
    }, this.opts.tokenPollMs ?? 1000);
    this.poll.unref();
  }
}
