/**
 * The mock engine's Nearby: one device on the network while LAN sharing is on, and pairing by link
 * that works once per link, so the view can be used and tested without a network.
 */
import type { NearbyState, PairedDevice, PeerGrants } from '../../../../shared/contract';

const MY_ID = 'c0ffee'.repeat(10) + 'c0ff';
const STUDIO = { id: '5eed'.repeat(16), name: 'Studio Mac', address: '192.0.2.20', port: 47310 };

/** A stateful mock of the pairing commands; `changed` is called with each new state. */
export function createMockNearby(lanOn: () => boolean, changed: (s: NearbyState) => void) {
  const paired = new Map<string, NearbyState['paired'][number]>();
  const used = new Set<string>();
  let made = 0;
  const state = (): NearbyState =>
    lanOn()
      ? {
          enabled: true,
          myId: MY_ID,
          nearby: [{ ...STUDIO, paired: paired.has(STUDIO.id) }],
          paired: [...paired.values()],
        }
      : { enabled: false, myId: null, nearby: [], paired: [] };
  return {
    getNearby: state,
    createPairLink: () => {
      if (!lanOn()) throw new Error('Turn on LAN sharing first: pairing runs beside it.');
      return [
        `tcshare://pair?addr=192.0.2.10:47311&id=${MY_ID}&s=mockSecret${String(made++).padStart(12, '0')}`,
      ];
    },
    pairWithLink: (link: string) => {
      if (!link.startsWith('tcshare://pair?'))
        throw new Error('Cannot pair: this is not a pairing link (tcshare://pair?…).');
      if (used.has(link))
        throw new Error('Cannot pair: the pairing link is not valid (or was used)');
      used.add(link);
      paired.set(STUDIO.id, {
        id: STUDIO.id,
        name: STUDIO.name,
        grants: { browse: true, stream: true, download: false },
        pairedAt: Date.now(),
      });
      changed(state());
      return STUDIO.name;
    },
    setPeerGrants: (
      id: string,
      change: { folder?: string; grants?: Partial<PeerGrants>; inherit?: boolean },
    ): PairedDevice => {
      const p = [...paired.values()].find((d) => d.id.startsWith(id));
      if (!p) throw new Error(`No paired device has the id ${id}.`);
      if (change.folder === undefined) p.grants = { ...p.grants, ...change.grants };
      else if (change.inherit) delete p.folders?.[change.folder];
      else
        p.folders = {
          ...p.folders,
          [change.folder]: { ...(p.folders?.[change.folder] ?? p.grants), ...change.grants },
        };
      changed(state());
      return { ...p };
    },
    setPeerAddress: (id: string, address: string): PairedDevice => {
      const p = [...paired.values()].find((d) => d.id.startsWith(id));
      if (!p) throw new Error(`No paired device has the id ${id}.`);
      p.address = address;
      changed(state());
      return { ...p };
    },
    unpairDevice: (id: string) => {
      const gone = [...paired.keys()].find((k) => k.startsWith(id));
      if (!gone) return false;
      paired.delete(gone);
      changed(state());
      return true;
    },
  };
}
