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
import { chooseInterfaces } from './discovery/interfaces';

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
  /** This install's device id, announced on the LAN while the server runs (mDNS). */
  deviceId?: () => Promise<string>;
}

/** The tokens and the server, following the `lan` setting. */
export class LanService {
  private server: LanServer | null = null;
  private advert: Advertisement | null = null;
  private current: LanSettings | null = null;
  private poll: NodeJS.Timeout | null = null;
  /** Serialises `apply` calls (settings may change twice quickly). */
  private queue: Promise<void> = Promise.resolve();

  /** `tokens` is the opened store (`LanTokens.open`). */
  constructor(
    readonly tokens: LanTokens,
    private readonly opts: LanServiceOptions,
  ) {
    // A revoked device loses its open responses too, whichever process revoked it.
    tokens.on('revoked', (name) => this.server?.cutDevice(name));
  }

  /** The listening port, or undefined when off. */
  get port(): number | undefined {
    return this.server?.port;
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

  /** Announces the running server on the chosen interfaces; a failure is reported, not fatal. */
  private async announce(lan: LanSettings): Promise<void> {
    if (!this.opts.deviceId || !this.server) return;
    const interfaces = chooseInterfaces(os.networkInterfaces(), lan.interfaces ?? []);
    if (interfaces.length === 0) {
      this.opts.note('warn', 'LAN sharing is not announced: no network interface looks like a LAN');
      return;
    }
    try {
      this.advert = await advertise({
        id: await this.opts.deviceId(),
        port: this.server.port,
        interfaces,
      });
    } catch (err) {
      this.opts.note('warn', `LAN sharing is not announced: ${(err as Error).message}`);
    }
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
    if (this.server) {
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
    }, this.opts.tokenPollMs ?? 1000);
    this.poll.unref();
  }
}
