/**
 * What a download from a paired device fetches: tracks named by id or by path, or a whole folder
 * walked through the peer's `ls`, each with the path it gets below the destination folder.
 */
import type { PeerListing, PeerTrack } from '../../../../shared/contract';

/** A folder download takes at most this many tracks, and goes this deep. */
export const MAX_WALK_TRACKS = 10_000;
const MAX_DEPTH = 32;

/** How the walk reads the device. */
export interface PeerReader {
  browse(path: string): Promise<PeerListing>;
  /** The track with this id, if the device shares it with us. */
  find(id: string): Promise<PeerTrack | undefined>;
}

/**
 * The tracks to queue: a single track lands as its file name; a folder keeps its own name and
 * everything below it (`Album/CD1/01.flac`).
 */
export async function collectTracks(
  what: { tracks?: string[]; folder?: string },
  peer: PeerReader,
): Promise<{ trackId: string; relPath: string }[]> {
  const out: { trackId: string; relPath: string }[] = [];
  for (const t of what.tracks ?? []) {
    const track = /^[0-9a-f]{32}$/.test(t) ? await peer.find(t) : await byPath(peer, t);
    if (!track) throw new Error(`The device does not share ${t} with you.`);
    out.push({ trackId: track.id, relPath: track.path.split('/').pop()! });
  }
  if (what.folder !== undefined) {
    const base = what.folder.split('/').slice(0, -1).join('/');
    const strip = base ? base.length + 1 : 0;
    const walk = async (p: string, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH) throw new Error(`${p} is nested too deep to download whole.`);
      const l = await peer.browse(p);
      for (const t of l.tracks) {
        if (out.length >= MAX_WALK_TRACKS)
          throw new Error(
            `${what.folder} holds more than ${MAX_WALK_TRACKS} tracks: pick a sub-folder.`,
          );
        out.push({ trackId: t.id, relPath: t.path.slice(strip) });
      }
      for (const f of l.folders) await walk(f.path, depth + 1);
    };
    await walk(what.folder, 0);
  }
  return out;
}

async function byPath(peer: PeerReader, p: string): Promise<PeerTrack | undefined> {
  const parent = p.split('/').slice(0, -1).join('/');
  if (!parent) return undefined;
  return (await peer.browse(parent).catch(() => null))?.tracks.find((t) => t.path === p);
}
