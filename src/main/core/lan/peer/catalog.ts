/**
 * What a paired device sees of this library: the shared folders it may browse, as roots named
 * after their folders, then their sub-folders and tracks, and a bounded search. Answered from
 * the in-memory library index (no disk walk, no hashing) and filtered by the device's grants, so
 * a folder it may not browse is never listed, searched or revealed.
 */
import path from 'node:path';
import type {
  PeerFolder,
  PeerListing,
  PeerSearchResult,
  PeerTrack,
} from '../../../../shared/contract';
import type { Grants } from '../pairing/peers-store';

/** A track as the library holds it (LibraryEntry has these fields). */
export interface CatalogEntry {
  id: string;
  title: string;
  artist?: string;
  album?: string;
  duration?: number;
  size: number;
  mimeType: string;
  /** Absolute path, and the shared folder it was found under. */
  path: string;
  root: string;
}

/** Where the catalog reads from: the engine's library and shared folders. */
export interface CatalogSource {
  /** The shared folders that are online, in the user's order. */
  roots(): string[];
  /** The tracks under one shared folder. */
  entries(root: string): CatalogEntry[];
}

/** Search answers at most this many tracks and folders each. */
export const MAX_SEARCH = 200;

/** Shared folders by the name a peer sees: the folder's own name, "Name (2)" for a second one. */
export function rootNames(roots: string[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const r of roots) {
    const base = path.basename(r) || r;
    let name = base;
    for (let n = 2; byName.has(name); n++) name = `${base} (${n})`;
    byName.set(name, r);
  }
  return byName;
}

const relOf = (e: CatalogEntry) => path.relative(e.root, e.path).split(path.sep).join('/');

function toPeerTrack(e: CatalogEntry, rootName: string): PeerTrack {
  return {
    id: e.id,
    title: e.title,
    ...(e.artist !== undefined && { artist: e.artist }),
    ...(e.album !== undefined && { album: e.album }),
    ...(e.duration !== undefined && { duration: e.duration }),
    size: e.size,
    mimeType: e.mimeType,
    path: `${rootName}/${relOf(e)}`,
  };
}

/** Why a listing failed: no such folder (404), or one the device may not browse (403). */
export class CatalogError extends Error {
  constructor(
    readonly status: 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The catalog as one device sees it; `grants(root)` are its rights in a shared folder. */
export class Catalog {
  constructor(
    private readonly source: CatalogSource,
    private readonly grants: (root: string) => Grants,
  ) {}

  /** The roots (path '') or one folder's sub-folders and tracks; throws CatalogError. */
  list(peerPath: string): PeerListing {
    const names = rootNames(this.source.roots());
    if (peerPath === '') {
      const folders = [...names]
        .filter(([, root]) => this.grants(root).browse)
        .map(([name]) => ({ path: name, name }));
      return { path: '', folders, tracks: [] };
    }
    const [rootName, ...rest] = peerPath.split('/');
    const root = names.get(rootName!);
    if (!root) throw new CatalogError(404, `no shared folder ${rootName}`);
    if (!this.grants(root).browse)
      throw new CatalogError(403, `${rootName} is not shared with you`);
    const prefix = rest.length > 0 ? `${rest.join('/')}/` : '';
    const folders = new Set<string>();
    const tracks: PeerTrack[] = [];
    for (const e of this.source.entries(root)) {
      const rel = relOf(e);
      if (!rel.startsWith(prefix)) continue;
      const tail = rel.slice(prefix.length);
      const slash = tail.indexOf('/');
      if (slash >= 0) folders.add(tail.slice(0, slash));
      else tracks.push(toPeerTrack(e, rootName!));
    }
    if (prefix && folders.size === 0 && tracks.length === 0)
      throw new CatalogError(404, `no folder ${peerPath}`);
    return {
      path: peerPath,
      folders: [...folders].sort().map((name) => ({ path: `${peerPath}/${name}`, name })),
      tracks: tracks.sort((a, b) => a.path.localeCompare(b.path)),
    };
  }

  /**
   * Tracks whose title, artist, album or file name holds `term` (case-insensitive), or whose id
   * is `term`, and folders whose name holds it; at most `limit` of each.
   */
  search(term: string, limit: number): PeerSearchResult {
    const t = term.trim().toLowerCase();
    const max = Math.max(1, Math.min(MAX_SEARCH, limit));
    const tracks: PeerTrack[] = [];
    const folders = new Map<string, PeerFolder>();
    let truncated = false;
    if (!t) return { tracks, folders: [], truncated };
    for (const [name, root] of rootNames(this.source.roots())) {
      if (!this.grants(root).browse) continue;
      if (name.toLowerCase().includes(t)) folders.set(name, { path: name, name });
      for (const e of this.source.entries(root)) {
        const rel = relOf(e);
        const parts = rel.split('/');
        for (let i = 0; i < parts.length - 1; i++) {
          if (!parts[i]!.toLowerCase().includes(t)) continue;
          const p = `${name}/${parts.slice(0, i + 1).join('/')}`;
          if (folders.has(p)) continue;
          if (folders.size >= max) truncated = true;
          else folders.set(p, { path: p, name: parts[i]! });
        }
        const hay = [e.title, e.artist ?? '', e.album ?? '', parts[parts.length - 1]!];
        if (e.id !== t && !hay.some((h) => h.toLowerCase().includes(t))) continue;
        if (tracks.length >= max) truncated = true;
        else tracks.push(toPeerTrack(e, name));
      }
    }
    return { tracks, folders: [...folders.values()], truncated };
  }
}
