/**
 * Browsing, playing and downloading from paired devices, for the engine. (Being built: the
 * commands are declared in the contract first so the window can be built on them.)
 */
import type { PeerCommandHandlers } from './peer-commands';

const notYet = async (): Promise<never> => {
  throw new Error('Not available yet: browsing paired devices is being built.');
};

/** The peer commands. */
export class PeerHub {
  /** The handlers the engine exposes. */
  readonly commands: PeerCommandHandlers = {
    setPeerGrants: notYet,
    setPeerAddress: notYet,
    browsePeer: notYet,
    searchPeer: notYet,
    peerTrackUrl: notYet,
    downloadFromPeer: notYet,
    getDownloads: async () => [],
    pauseDownload: notYet,
    resumeDownload: notYet,
    cancelDownload: notYet,
  };
}
