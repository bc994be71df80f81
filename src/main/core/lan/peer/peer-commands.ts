/**
 * The engine's commands that reach paired devices, as one typed table the engine spreads into its
 * own: the engine stays a composition root, and the peer code owns what the commands do.
 */
import type { CommandArgs, CommandResult } from '../../../../shared/contract';
import { type PeerCommand } from '../../../../shared/validate-peer';

/** One handler per peer command. */
export type PeerCommandHandlers = {
  [K in PeerCommand]: (...a: CommandArgs<K>) => Promise<CommandResult<K>>;
};

const NAMES: readonly PeerCommand[] = [
  'setPeerGrants',
  'setPeerAddress',
  'browsePeer',
  'searchPeer',
  'peerTrackUrl',
  'downloadFromPeer',
  'getDownloads',
  'pauseDownload',
  'resumeDownload',
  'cancelDownload',
];

/**
 * Handlers that call `get()` at each call, so the engine can list them in a field initialiser
 * before the object behind them is built.
 */
export function delegatePeerCommands(get: () => PeerCommandHandlers): PeerCommandHandlers {
  const out: Record<string, (...a: unknown[]) => Promise<unknown>> = {};
  for (const name of NAMES)
    out[name] = (...a) => (get()[name] as (...x: unknown[]) => Promise<unknown>)(...a);
  return out as PeerCommandHandlers;
}
