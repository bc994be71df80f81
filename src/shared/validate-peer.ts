/**
 * Validators of the commands that reach paired devices (browse, search, play, download, grants,
 * addresses). Kept apart from validate.ts, which lends them its checking helpers.
 */
import type { CommandArgs, PeerGrants } from './contract';

/** The commands checked here. */
export type PeerCommand =
  | 'setPeerGrants'
  | 'setPeerAddress'
  | 'browsePeer'
  | 'searchPeer'
  | 'peerTrackUrl'
  | 'downloadFromPeer'
  | 'getDownloads'
  | 'pauseDownload'
  | 'resumeDownload'
  | 'cancelDownload';

/** The helpers validate.ts lends (each throws its own error type with a message). */
export interface CheckHelpers {
  str(v: unknown, what: string, max?: number): string;
  bool(v: unknown, what: string): boolean;
  list<T>(v: unknown, what: string, max: number, item: (x: unknown, w: string) => T): T[];
  record(v: unknown, what: string, keys: readonly string[]): Record<string, unknown>;
  arity(args: unknown[], n: number): void;
  fail(message: string): never;
  folderPath(v: unknown, what?: string): string;
}

/** The most tracks one downloadFromPeer call may name. */
export const MAX_PEER_TRACKS = 10_000;

/** Builds the validators of the peer commands on top of validate.ts's helpers. */
export function peerValidators(h: CheckHelpers): {
  [K in PeerCommand]: (args: unknown[]) => CommandArgs<K>;
} {
  const deviceId = (v: unknown): string => {
    const id = h.str(v, 'device id', 64).toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(id)) h.fail('the device id must be hex (at least 8 characters)');
    return id;
  };
  const trackId = (v: unknown, what = 'track id'): string => {
    const id = h.str(v, what, 64);
    if (!/^[0-9a-f]{32}$/.test(id)) h.fail(`${what} must be 32 lowercase hex characters`);
    return id;
  };
  // A path on the other device: '/'-separated names, no '..' (the peer checks again).
  const peerPath = (v: unknown, what: string): string => {
    if (v === '') return '';
    const p = h.str(v, what, 1024).replace(/^\/+|\/+$/g, '');
    if (p.split('/').some((part) => part === '..' || part === '.' || part === ''))
      h.fail(`${what} must be a path of names separated by /`);
    return p;
  };
  const key = (v: unknown) => h.str(v, 'download id', 64);
  const grants = (v: unknown): Partial<PeerGrants> => {
    const o = h.record(v, 'grants', ['browse', 'stream', 'download']);
    const out: Partial<PeerGrants> = {};
    for (const k of ['browse', 'stream', 'download'] as const)
      if (o[k] !== undefined) out[k] = h.bool(o[k], `grants.${k}`);
    return out;
  };
  return {
    setPeerGrants: (a) => {
      h.arity(a, 2);
      const o = h.record(a[1], 'grant change', ['folder', 'grants', 'inherit']);
      const change: CommandArgs<'setPeerGrants'>[1] = {};
      if (o.folder !== undefined) change.folder = h.folderPath(o.folder);
      if (o.grants !== undefined) change.grants = grants(o.grants);
      if (o.inherit !== undefined) change.inherit = h.bool(o.inherit, 'inherit');
      if (change.inherit && change.folder === undefined) h.fail('inherit needs a folder');
      return [deviceId(a[0]), change];
    },
    setPeerAddress: (a) => {
      h.arity(a, 2);
      return [deviceId(a[0]), h.str(a[1], 'address', 64).trim()];
    },
    browsePeer: (a) => (h.arity(a, 2), [deviceId(a[0]), peerPath(a[1], 'path')]),
    searchPeer: (a) => (h.arity(a, 2), [deviceId(a[0]), h.str(a[1], 'search term', 200)]),
    peerTrackUrl: (a) => (h.arity(a, 2), [deviceId(a[0]), trackId(a[1])]),
    downloadFromPeer: (a) => {
      h.arity(a, 3);
      const o = h.record(a[1], 'what to download', ['tracks', 'folder']);
      const what: CommandArgs<'downloadFromPeer'>[1] = {};
      if (o.tracks !== undefined)
        what.tracks = h.list(o.tracks, 'tracks', MAX_PEER_TRACKS, (x, w) => peerPath(x, w));
      if (o.folder !== undefined) what.folder = peerPath(o.folder, 'folder');
      if (!what.tracks?.length && !what.folder) h.fail('name tracks or a folder to download');
      return [deviceId(a[0]), what, h.folderPath(a[2], 'destination folder')];
    },
    getDownloads: (a) => (h.arity(a, 0), []),
    pauseDownload: (a) => (h.arity(a, 1), [key(a[0])]),
    resumeDownload: (a) => (h.arity(a, 1), [key(a[0])]),
    cancelDownload: (a) => (h.arity(a, 1), [key(a[0])]),
  };
}
