/**
 * What the window needs from a transport: the contract's Api, plus the state of the link to the
 * engine (always up over the preload; a WebSocket to the daemon can drop and come back).
 */
import type { Api } from '../../../../shared/contract';

/** The link to the engine. `unauthorized` is final: the remote-control token was wrong. */
export interface LinkState {
  state: 'connecting' | 'ready' | 'disconnected' | 'unauthorized';
  /** Epoch ms of the next reconnect attempt while disconnected. */
  retryAt?: number;
  /** What went wrong, in words the user can act on. */
  message?: string;
}

/** One way of reaching the engine, chosen once at start. */
export interface Transport {
  kind: 'preload' | 'remote' | 'mock';
  api: Api;
  /** Current link state. */
  link(): LinkState;
  /** Be told when the link state changes (e.g. to refetch the snapshot after a reconnect). */
  onLink(listener: (s: LinkState) => void): () => void;
  /**
   * The local path of a dropped folder, when the host can tell (Electron's webUtils via the
   * preload). Undefined in a browser: the user types a path on the daemon's machine instead.
   */
  pathForFile?: (file: File) => string | undefined;
  /**
   * The address of a track's cover thumbnail, or undefined when this transport has none (yet).
   * The image answers 204 when the track has no cover; the window then keeps its placeholder.
   */
  coverUrl?: (trackId: string) => string | undefined;
}

/** A link that is always up (preload, mock). */
export function steadyLink(): Pick<Transport, 'link' | 'onLink'> {
  return { link: () => ({ state: 'ready' }), onLink: () => () => {} };
}
