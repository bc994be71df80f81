/**
 * What each machine-readable problem means for the user, and what to do next. Pure: the header, the
 * overview card and the Diagnosis view all read from here, so the wording is the same everywhere.
 */
import type {
  ActivityEvent,
  ConnectionStatus,
  FolderStatus,
  ProblemCode,
} from '../../../shared/contract';

/** One explained problem: a sentence naming the cause, and the next step the user can take. */
export interface Explanation {
  code: ProblemCode;
  title: string;
  next: string;
  /** Which view helps with the next step. */
  action: 'connect' | 'folders' | 'settings' | 'logs' | 'none';
}

type Copy = Omit<Explanation, 'code'>;

/** Every ProblemCode in the contract, with a sentence and a next step (compile-time exhaustive). */
export const PROBLEMS: Record<ProblemCode, Copy> = {
  'not-configured': {
    title: 'No server is set up yet.',
    next: 'Enter your TuneCamp server address and log in.',
    action: 'connect',
  },
  unauthorized: {
    title: 'The server rejected the saved token (401): it is missing, expired or revoked.',
    next: 'Log in again, or paste a new API token.',
    action: 'connect',
  },
  forbidden: {
    title: 'This account is not allowed to share music on this server (403).',
    next: 'Ask an administrator to enable Peer Sharing for your account.',
    action: 'none',
  },
  'sharing-disabled': {
    title: 'Peer Sharing is switched off on this server (503).',
    next: 'Nothing to do here: the app retries every few minutes. An administrator can switch it on.',
    action: 'none',
  },
  unreachable: {
    title: 'The server cannot be reached.',
    next: 'Check your internet connection and the server address; the app keeps retrying.',
    action: 'connect',
  },
  'not-tunecamp': {
    title: 'The address answers, but it is not a TuneCamp server with Peer Sharing.',
    next: 'Check the server address: it should be the one you open TuneCamp with in a browser.',
    action: 'connect',
  },
  'server-error': {
    title: 'The server had an internal error.',
    next: 'The app retries with growing pauses. If it persists, tell the server administrator.',
    action: 'logs',
  },
  'silent-server': {
    title: 'The server stopped answering on an open connection.',
    next: 'The app reconnects by itself. If this keeps happening, a proxy may be cutting idle connections.',
    action: 'logs',
  },
  conflict: {
    title: 'Another device signed in with this account keeps replacing this one.',
    next: 'Stop sharing on the other device, or use a separate account for each device.',
    action: 'none',
  },
  'folder-offline': {
    title: 'A shared folder is not reachable (unplugged drive or missing network share).',
    next: 'Reconnect the drive; sharing resumes on its own. Or remove the folder.',
    action: 'folders',
  },
  'watch-limit': {
    title:
      'The system ran out of file watchers, so some folders are rescanned periodically instead.',
    next: 'Changes show up after the next periodic rescan. On Linux, raise fs.inotify.max_user_watches.',
    action: 'folders',
  },
  'no-folders': {
    title: 'No music folders are shared yet.',
    next: 'Add a folder with your music.',
    action: 'folders',
  },
};

/** The explanation for one problem code. */
export function explain(code: ProblemCode): Explanation {
  return { code, ...PROBLEMS[code] };
}

/**
 * Every reason the music is not (fully) shared right now, most important first: the connection's
 * problem, then folder states, then "no folders". Empty when all is well.
 */
export function diagnose(conn: ConnectionStatus, folders: FolderStatus[]): Explanation[] {
  const out: Explanation[] = [];
  if (conn.state === 'not-configured') out.push(explain('not-configured'));
  else if (conn.problem) out.push(explain(conn.problem.code));
  if (folders.length === 0) out.push(explain('no-folders'));
  if (folders.some((f) => f.state === 'offline' || f.state === 'error'))
    out.push(explain('folder-offline'));
  if (folders.some((f) => f.state === 'polling')) out.push(explain('watch-limit'));
  const seen = new Set<ProblemCode>();
  return out.filter((e) => (seen.has(e.code) ? false : (seen.add(e.code), true)));
}

/** Tone of the status dot. */
export type Tone = 'ok' | 'busy' | 'warn' | 'error' | 'idle';

/** The one-line promise at the top of the window: what is shared, or what is wrong. */
export interface Headline {
  tone: Tone;
  text: string;
  /** The next step when something is wrong. */
  next?: string;
}

/** Host part of a normalised server address, for display ("music.example.org"). */
export function serverHost(server: string | undefined): string {
  if (!server) return 'the server';
  try {
    const u = new URL(server);
    return u.host + u.pathname.replace(/\/$/, '');
  } catch {
    return server;
  }
}

/**
 * The status headline: "Sharing 12,408 tracks with music.example.org as maria" when connected,
 * otherwise the state and the explained problem. `count` formats the track number.
 */
export function headline(
  conn: ConnectionStatus,
  trackCount: number,
  count: (n: number) => string,
): Headline {
  const host = serverHost(conn.server);
  const who = conn.username ? ` as ${conn.username}` : '';
  const problem = conn.problem ? explain(conn.problem.code) : undefined;
  switch (conn.state) {
    case 'connected': {
      const n = conn.publishedTracks || trackCount;
      const noun = n === 1 ? 'track' : 'tracks';
      return { tone: 'ok', text: `Sharing ${count(n)} ${noun} with ${host}${who}` };
    }
    case 'connecting':
      return { tone: 'busy', text: `Connecting to ${host}…` };
    case 'paused':
      return { tone: 'idle', text: 'Sharing is paused', next: 'Resume sharing from Settings.' };
    case 'not-configured':
      return {
        tone: 'idle',
        text: PROBLEMS['not-configured'].title,
        next: PROBLEMS['not-configured'].next,
      };
    case 'waiting':
      return {
        tone: 'warn',
        text: problem ? problem.title : `Not connected to ${host}; retrying.`,
        next: problem?.next,
      };
    case 'stopped':
      return {
        tone: 'error',
        text: problem ? problem.title : `Stopped: not sharing with ${host}.`,
        next: problem?.next ?? 'Open Diagnosis to see why.',
      };
  }
}

/** The status-dot tone of an activity entry. */
export function activityTone(level: ActivityEvent['level']): Tone {
  return level === 'info' ? 'ok' : level === 'warn' ? 'warn' : 'error';
}
