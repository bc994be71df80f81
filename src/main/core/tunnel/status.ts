/**
 * Pure bookkeeping of the tunnel: the next ConnectionStatus from a state change, and what a closed
 * session means for the conflict streak and the backoff counter.
 */
import type { ConnectionState, ConnectionStatus } from '../../../shared/contract';

/**
 * The status after moving to `state` with `patch`: `since` changes only with the state, a plain
 * stop clears the problem, session id and published count exist only while connected, and
 * undefined fields are removed so emitted objects stay clean.
 */
export function nextStatus(
  prev: ConnectionStatus,
  state: ConnectionState,
  patch: Partial<ConnectionStatus>,
  server: string,
  now = Date.now(),
): ConnectionStatus {
  const next: ConnectionStatus = { ...prev, ...patch, state, server };
  if (state !== prev.state) next.since = now;
  if (state === 'stopped' && !('problem' in patch)) delete next.problem;
  if (state !== 'connected') {
    delete next.sessionId;
    delete next.nextRetryAt;
    next.publishedTracks = 0;
  }
  if (state === 'waiting' && patch.nextRetryAt !== undefined) next.nextRetryAt = patch.nextRetryAt;
  if (state === 'connected') delete next.nextRetryAt;
  for (const key of Object.keys(next) as (keyof ConnectionStatus)[]) {
    if (next[key] === undefined) delete next[key];
  }
  return next;
}

/** Sessions replaced this many times in a row, each within the window, are a conflict. */
export const CONFLICT_STREAK = 3;

/** What one closed, authenticated session says about the account. */
export interface CloseVerdict {
  shortSessions: number;
  /** The session was long-lived: start the backoff from scratch. */
  resetAttempts: boolean;
  conflict: boolean;
}

/**
 * Judge a closed session that had reached auth_ok. The server never says why it closed (1005
 * always), so a session closed within `windowMs`, `CONFLICT_STREAK` times in a row, is taken as
 * another client on the same account replacing us. Closes we caused ourselves (`selfInflicted`:
 * silence, oversized frame) do not count toward it.
 */
export function judgeClose(
  lifetimeMs: number,
  windowMs: number,
  shortSessions: number,
  selfInflicted: boolean,
): CloseVerdict {
  const short = lifetimeMs < windowMs && !selfInflicted;
  const streak = short ? shortSessions + 1 : 0;
  return {
    shortSessions: streak,
    resetAttempts: lifetimeMs >= windowMs,
    conflict: streak >= CONFLICT_STREAK,
  };
}
