/** Join links of a room run by `tunecamp-share room open` (one fresh one-time code). */
import os from 'node:os';
import { chooseInterfaces } from '../core/lan/discovery/interfaces';
import type { Room } from '../core/lan/rooms/room';

/** Links on `host`, or on every LAN-like interface for a wildcard (loopback when there is none). */
export function roomLinks(host: string, port: number, room: Room): string[] {
  const wildcard = host === '0.0.0.0' || host === '::';
  const found = wildcard
    ? chooseInterfaces(os.networkInterfaces(), []).map((i) => i.address)
    : [host];
  const addresses = found.length > 0 ? [...new Set(found)] : ['127.0.0.1'];
  const code = room.keys.createCode();
  return addresses.map(
    (a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}/room/${room.id}#k=${code}`,
  );
}
