/**
 * Wording of the Connect view, which differs from the status header's: here the user has just
 * typed the token or password (nothing is "saved" yet), and says so once, without echoing the
 * engine's message when it repeats the explanation. Pure, unit-tested in Node.
 */
import type { ConnectResult, Snapshot } from '../../../shared/contract';
import { explain } from './problems';

/** What the Connect form shows after a failed attempt. `detail` only when it adds something. */
export interface ConnectFailure {
  title: string;
  next: string;
  detail?: string;
}

/** How the user tried to sign in, and as whom. */
export interface ConnectAttempt {
  mode: 'login' | 'token';
  username?: string;
}

/**
 * The failure to show for a refused connect or login. For a refused token, password or account the
 * engine's message says the same thing in other words, so it is left out; for the other causes it
 * carries the specifics (server name, HTTP status, DNS failure) and is shown as the detail line.
 */
export function connectFailure(
  problem: NonNullable<ConnectResult['problem']>,
  attempt: ConnectAttempt,
): ConnectFailure {
  const status = problem.status ? ` (${problem.status})` : '';
  const who = attempt.username?.trim();
  if (problem.code === 'unauthorized') {
    return attempt.mode === 'token'
      ? {
          title: `The server rejected this token${status}.`,
          next: 'Check it, or log in again to get a new one.',
        }
      : {
          title: `The server rejected this username or password${status}.`,
          next: 'Check them and try again, or sign in with an API token instead.',
        };
  }
  if (problem.code === 'forbidden') {
    return {
      title: who
        ? `This server does not allow ${who} to share.`
        : 'This server does not allow this account to share.',
      next: explain('forbidden').next,
    };
  }
  const ex = explain(problem.code);
  const detail = sameSentence(problem.message, ex.title) ? undefined : problem.message;
  return { title: ex.title, next: ex.next, detail };
}

function sameSentence(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return norm(a) === norm(b);
}

/**
 * Where the token goes, said plainly. Encrypted: the OS keyring. Headless without encryption: a
 * file in the state folder with owner-only permissions. Desktop without a keyring: the app asks
 * before it writes the token in plain form (see main/electron/secret-policy.ts).
 */
export function tokenStorageNote(snapshot: Pick<Snapshot, 'host' | 'secretsEncrypted'>): string {
  if (snapshot.secretsEncrypted) return 'It is stored encrypted on this computer.';
  if (snapshot.host === 'headless') return `It is ${HEADLESS_PLACE}.`;
  return 'This computer has no keyring to encrypt it: the app asks before storing it in plain form.';
}

// FileSecretStore writes it with mode 0600 inside a 0700 state folder.
const HEADLESS_PLACE = "stored in the app's data folder, readable only by your user account";

/** Where the token in use really is, said in Settings (`tokenLocation` from the engine). */
const LOCATION_NOTES: Record<NonNullable<Snapshot['tokenLocation']>, string | undefined> = {
  environment:
    "The token comes from the daemon's environment (TUNECAMP_TOKEN): the app keeps no copy of it.",
  'token-file':
    'The token is read from the file given with --token-file: the app keeps no copy of it.',
  'command-line':
    "The token was given on the daemon's command line (--token), where other users of that machine can see it.",
  'state-folder': `The token is not encrypted: it is ${HEADLESS_PLACE}.`,
  keyring: undefined,
  memory: 'The token is kept in memory only: it is forgotten when the app stops.',
};

/** Said in Settings once signed in: where the token really is; nothing when it is encrypted. */
export function storedTokenNote(
  snapshot: Pick<Snapshot, 'host' | 'secretsEncrypted' | 'tokenLocation'>,
): string | undefined {
  if (snapshot.tokenLocation) return LOCATION_NOTES[snapshot.tokenLocation];
  if (snapshot.secretsEncrypted) return undefined;
  if (snapshot.host === 'headless') return `The token is not encrypted: it is ${HEADLESS_PLACE}.`;
  return 'The token is stored unencrypted on this computer (no keyring available).';
}

/** The token was handed to the daemon as an API token: no password was ever typed for it. */
const GIVEN_TOKEN: Partial<Record<NonNullable<Snapshot['tokenLocation']>, string>> = {
  environment: "an API token from the daemon's environment (TUNECAMP_TOKEN)",
  'token-file': 'an API token from the file given with --token-file',
  'command-line': "an API token given on the daemon's command line (--token)",
};

/**
 * How the Connect form opens: with the method in use. A token given to the daemon (environment,
 * token file, command line) opens on "API token" and says so; otherwise (no token yet, or one
 * this app saved after a sign-in of either kind) on "Username and password".
 */
export function signInNow(snapshot: Pick<Snapshot, 'tokenLocation'> | undefined): {
  mode: 'login' | 'token';
  inUse?: string;
} {
  const given = snapshot?.tokenLocation && GIVEN_TOKEN[snapshot.tokenLocation];
  return given ? { mode: 'token', inUse: `Signed in now with ${given}.` } : { mode: 'login' };
}
