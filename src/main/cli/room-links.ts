/** Join links of a room run by `tunecamp-share room open`. */
import os from 'node:os';
import { chooseInterfaces } from '../core/lan/discovery/interfaces';

/** Links on `host`, or on every LAN-like interface for a wildcard (loopback when there is none). */
export function roomLinks(host: string, port: number, roomId: string, code: string): string[] {
  const wildcard = host === '0.0.0.0' || host === '::';
  const found = wildcard
    ? chooseInterfaces(os.networkInterfaces(), []).map((i) => i.address)
    : [host];
  const addresses = found.length > 0 ? [...new Set(found)] : ['127.0.0.1'];
  return addresses.map(
    (a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}/room/${roomId}#k=${code}`,
  );
}
