/**
 * The mock engine's view of a paired device: one shared folder with an album to browse, search,
 * play (no audio: the URL is a placeholder) and download (each download completes at once), so
 * the Nearby screens can be drawn and tested without a network.
 */
import type {
  PeerDownload,
  PeerFolder,
  PeerListing,
  PeerSearchResult,
  PeerTrack,
} from '../../../../shared/contract';

const ROOT: PeerFolder = { path: 'Studio Masters', name: 'Studio Masters' };
const ALBUM: PeerFolder = { path: 'Studio Masters/Night Sessions', name: 'Night Sessions' };
const TRACKS: PeerTrack[] = ['Intro', 'Blue Hour', 'Last Train'].map((title, i) => ({
  id: `${i + 1}`.padStart(32, 'a'),
  title,
  artist: 'The Mock Quartet',
  album: 'Night Sessions',
  duration: 180 + i * 47,
  size: 6_000_000 + i * 1_500_000,
  mimeType: 'audio/flac',
  path: `${ALBUM.path}/0${i + 1} ${title}.flac`,
}));

/** A stateful mock of the peer commands; `changed` is called with each new download list. */
export function createMockPeers(changed: (list: PeerDownload[]) => void) {
  const downloads: PeerDownload[] = [];
  const listing = (p: string): PeerListing => {
    if (p === '') return { path: '', folders: [ROOT], tracks: [] };
    if (p === ROOT.path) return { path: p, folders: [ALBUM], tracks: [] };
    if (p === ALBUM.path) return { path: p, folders: [], tracks: TRACKS };
    throw new Error(`The device has no folder ${p}.`);
  };
  const setState = (id: string, state: PeerDownload['state']) => {
    const d = downloads.find((x) => x.id === id);
    if (d) d.state = state;
    changed(downloads.map((x) => ({ ...x })));
  };
  return {
    browsePeer: (_peer: string, p: string) => listing(p),
    searchPeer: (_peer: string, term: string): PeerSearchResult => {
      const t = term.toLowerCase();
      return {
        folders: [ROOT, ALBUM].filter((f) => f.name.toLowerCase().includes(t)),
        tracks: TRACKS.filter((x) => `${x.title} ${x.artist} ${x.album}`.toLowerCase().includes(t)),
        truncated: false,
      };
    },
    peerTrackUrl: (_peer: string, trackId: string) => `http://127.0.0.1:9/mock/${trackId}`,
    downloadFromPeer: (
      peerId: string,
      what: { tracks?: string[]; folder?: string },
      destDir: string,
    ): PeerDownload[] => {
      const picked = what.folder
        ? TRACKS.filter((t) => t.path.startsWith(`${what.folder}/`))
        : TRACKS.filter((t) => what.tracks?.some((x) => x === t.id || x === t.path));
      const added = picked.map((t) => ({
        id: `dl-${downloads.length}-${t.id.slice(-4)}`,
        peerId,
        trackId: t.id,
        relPath: t.path.split('/').slice(-2).join('/'),
        destDir,
        state: 'done' as const,
        received: t.size,
        size: t.size,
        file: `${destDir}/${t.path.split('/').pop()}`,
      }));
      downloads.push(...added);
      changed(downloads.map((x) => ({ ...x })));
      return added;
    },
    getDownloads: () => downloads.map((x) => ({ ...x })),
    pauseDownload: (id: string) => setState(id, 'paused'),
    resumeDownload: (id: string) => setState(id, 'queued'),
    cancelDownload: (id: string) => setState(id, 'cancelled'),
  };
}
