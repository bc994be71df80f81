/**
 * The mock engine's Nearby: one device on the network while LAN sharing is on, and pairing by link
 * that works once per link, so the view can be used and tested without a network.
 */
import type {
  NearbyState,
  PairedDevice,
  PairRequest,
  PeerGrants,
} from '../../../../shared/contract';

const MY_ID = 'c0ffee'.repeat(10) + 'c0ff';
const STUDIO = { id: '5eed'.repeat(16), name: 'Studio Mac', address: '192.0.2.20', port: 47310 };
/** A device that asks to pair by name as soon as LAN sharing is on. */
const LAPTOP: PairRequest = {
  request: 'mockRequest0001',
  deviceId: 'beef'.repeat(16),
  name: 'Tour Laptop',
  address: '192.0.2.30:47311',
  code: '305 118',
  expiresAt: Date.now() + 3_600_000,
};

/** A stateful mock of the pairing commands; `changed` is called with each new state. */
export function createMockNearby(lanOn: () => boolean, changed: (s: NearbyState) => void) {
  const paired = new Map<string, NearbyState['paired'][number]>();
  const used = new Set<string>();
  let asking = true;
  const pairings = new Map<string, string>();
  let made = 0;
  const state = (): NearbyState =>
    lanOn()
      ? {
          enabled: true,
          myId: MY_ID,
          nearby: [{ ...STUDIO, paired: paired.has(STUDIO.id) }],
          paired: [...paired.values()],
          requests: asking ? [LAPTOP] : [],
        }
      : { enabled: false, myId: null, nearby: [], paired: [], requests: [] };
  const pairStudio = () => {
    paired.set(STUDIO.id, {
      id: STUDIO.id,
      name: STUDIO.name,
      grants: { browse: true, stream: true, download: false },
      pairedAt: Date.now(),
    });
    changed(state());
    return STUDIO.name;
  };
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
      return pairStudio();
    },
    pairByName: (id: string) => {
      if (id !== STUDIO.id) throw new Error('That device is not on the network now.');
      const pairing = `mockPairing${pairings.size}`;
      pairings.set(pairing, id);
      return { pairing, code: '714 052', name: STUDIO.name };
    },
    confirmPairByName: (pairing: string, match: boolean) => {
      if (!pairings.delete(pairing)) throw new Error('That pairing is no longer in progress.');
      if (!match)
        throw new Error('Not paired: the codes differ. Someone else may be answering in its name.');
      return pairStudio();
    },
    answerPairRequest: (request: string, accept: boolean) => {
      if (!asking || request !== LAPTOP.request)
        throw new Error('That pairing request is no longer waiting.');
      asking = false;
      if (accept)
        paired.set(LAPTOP.deviceId, {
          id: LAPTOP.deviceId,
          name: LAPTOP.name,
          grants: { browse: true, stream: true, download: false },
          address: LAPTOP.address,
          pairedAt: Date.now(),
        });
      changed(state());
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
