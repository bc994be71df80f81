/**
 * Says on the LAN that this device shares music: one `_tunecamp-share._tcp` service through
 * @homebridge/ciao, a full RFC 6762 responder (probing, conflict renaming, goodbyes), pinned to the
 * interfaces we chose (ciao's own interface detection skips veth and `name@ifN` links).
 */
import os from 'node:os';
import type { CiaoService, Responder } from '@homebridge/ciao';
import type { LanInterface } from './interfaces';
import { SERVICE_TYPE, buildTxt } from './txt';

/** A running advertisement; `stop` sends goodbyes and releases the sockets. */
export interface Advertisement {
  /** The instance name in use (ciao renames "x (2)" on a conflict). */
  name(): string;
  stop(): Promise<void>;
}

/** Starts advertising `port` with this device's id on `interfaces`. */
export async function advertise(opts: {
  id: string;
  port: number;
  /** The pairing listener's port (TXT `tp`). */
  pairPort?: number;
  interfaces: LanInterface[];
}): Promise<Advertisement> {
  const names = [...new Set(opts.interfaces.map((i) => i.name))];
  // Loaded only when LAN sharing announces (~0.15 s that a start without it does not pay).
  const { getResponder } = await import('@homebridge/ciao');
  const responder: Responder = getResponder({ interface: names, disableIpv6: true });
  // Readable in other apps' browsers; the id's start keeps two machines of one name apart.
  const service: CiaoService = responder.createService({
    name: `${os.hostname()} (${opts.id.slice(0, 6)})`,
    type: SERVICE_TYPE,
    port: opts.port,
    txt: { ...buildTxt(opts.id), ...(opts.pairPort ? { tp: String(opts.pairPort) } : {}) },
  });
  await service.advertise();
  return {
    name: () => service.getFQDN(),
    stop: async () => {
      await service.end().catch(() => undefined);
      await service.destroy().catch(() => undefined);
      await responder.shutdown().catch(() => undefined);
    },
  };
}
