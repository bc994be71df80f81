/**
 * When to interrupt the user with a desktop notification. Pure policy over the engine's events:
 * only what needs the user (token rejected, offline for more than a minute, a folder went offline,
 * another connection on the same account). Routine reconnects never notify.
 */
import type { ConnectionStatus, FolderStatus } from '../../shared/contract';

/** What the notifier is fed: engine events, plus a periodic tick so an outage can age. */
export type NotifierInput =
  | { kind: 'connection'; status: ConnectionStatus }
  | { kind: 'folders'; folders: FolderStatus[] }
  | { kind: 'tick' };

/** A notification to show. `key` identifies its cause (for tests and de-duplication). */
export interface NotificationSpec {
  key: 'token-rejected' | 'forbidden' | 'offline' | 'conflict' | 'folder-offline';
  title: string;
  body: string;
}

/** How long the connection must be down before it is worth telling. */
export const OFFLINE_NOTICE_MS = 60_000;

const ACTIVE_DOWN = new Set(['connecting', 'waiting', 'stopped']);

/**
 * Creates a notifier. `now` gives the time in ms. The returned function takes one input and
 * returns the notifications it causes (usually none).
 */
export function createNotifier(now: () => number): (input: NotifierInput) => NotificationSpec[] {
  // Start of the current outage (not connected, not paused by the user), or null.
  let outageSince: number | null = null;
  // Causes already shown during this outage.
  let shown = new Set<string>();
  // The token notice is shown once until a connection succeeds again.
  let tokenNoticeShown = false;
  // Folder path → whether it was offline at the last report.
  const offline = new Map<string, boolean>();
  // The latest problem message of the outage, quoted in the offline notice.
  let lastProblem: string | undefined;

  const onConnection = (c: ConnectionStatus): NotificationSpec[] => {
    const out: NotificationSpec[] = [];
    if (!ACTIVE_DOWN.has(c.state)) {
      // Connected, or paused / not configured by the user: no outage to report.
      outageSince = null;
      lastProblem = undefined;
      shown = new Set();
      if (c.state === 'connected') tokenNoticeShown = false;
      return out;
    }
    outageSince ??= now();
    const code = c.problem?.code;
    if (code === 'unauthorized' && !tokenNoticeShown) {
      tokenNoticeShown = true;
      shown.add('offline');
      out.push({
        key: 'token-rejected',
        title: 'TuneCamp rejected the token',
        body: 'Sharing has stopped. Open tunecamp-share and log in again.',
      });
    }
    if (code === 'forbidden' && !shown.has('forbidden')) {
      shown.add('forbidden').add('offline');
      out.push({
        key: 'forbidden',
        title: 'This account may not share',
        body: 'Ask the TuneCamp admin to enable peer sharing for your user.',
      });
    }
    if (code === 'conflict' && !shown.has('conflict')) {
      shown.add('conflict').add('offline');
      out.push({
        key: 'conflict',
        title: 'Another connection uses this account',
        body: 'Another tunecamp-share or the TuneCamp web chat keeps replacing this connection.',
      });
    }
    return [...out, ...checkOffline(c.problem?.message)];
  };

  const checkOffline = (problem?: string): NotificationSpec[] => {
    if (problem) lastProblem = problem;
    if (outageSince === null || shown.has('offline')) return [];
    if (now() - outageSince < OFFLINE_NOTICE_MS) return [];
    shown.add('offline');
    return [
      {
        key: 'offline',
        title: 'Your music is not being shared',
        body: lastProblem
          ? `Offline for more than a minute: ${lastProblem}`
          : 'The connection to TuneCamp has been down for more than a minute.',
      },
    ];
  };

  const onFolders = (folders: FolderStatus[]): NotificationSpec[] => {
    const out: NotificationSpec[] = [];
    const seen = new Set<string>();
    for (const f of folders) {
      seen.add(f.path);
      const isOff = f.state === 'offline';
      // Only the transition into offline: a folder that stays offline is told once.
      if (isOff && offline.get(f.path) !== true) {
        out.push({
          key: 'folder-offline',
          title: 'A shared folder went offline',
          body: `${f.path}${f.reason ? `: ${f.reason}` : ''}. Its tracks are hidden until it returns.`,
        });
      }
      offline.set(f.path, isOff);
    }
    for (const p of [...offline.keys()]) if (!seen.has(p)) offline.delete(p);
    return out;
  };

  return (input) => {
    if (input.kind === 'connection') return onConnection(input.status);
    if (input.kind === 'folders') return onFolders(input.folders);
    return checkOffline();
  };
}
