import type { NetworkInterfaceInfo } from 'node:os';

/** One IPv4 interface discovery runs on. */
export interface LanInterface {
  name: string;
  address: string;
}

/** Interfaces that are not the LAN: containers, bridges, tunnels and VPNs (LAN notes §2.4). */
const NOT_LAN = /^(docker|br-|veth|virbr|vmnet|vboxnet|utun|tun|tap|wg|zt|tailscale)/;

/**
 * The interfaces to advertise and browse on: every up, non-internal IPv4 interface that looks like
 * a LAN (no loopback, container bridge, tunnel or link-local address), or exactly the ones the
 * user pinned by name (which may be anything, a veth in tests included).
 */
export function chooseInterfaces(
  all: NodeJS.Dict<NetworkInterfaceInfo[]>,
  pinned: readonly string[] = [],
): LanInterface[] {
  const out: LanInterface[] = [];
  for (const [name, infos] of Object.entries(all)) {
    if (pinned.length > 0 ? !pinned.includes(name) : NOT_LAN.test(name)) continue;
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      // 169.254/16 means no DHCP answer: nothing to share with there.
      if (pinned.length === 0 && info.address.startsWith('169.254.')) continue;
      out.push({ name, address: info.address });
    }
  }
  return out;
}
