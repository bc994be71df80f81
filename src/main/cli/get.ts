/**
 * `tunecamp-share get URL TRACK_ID[=PATH]... --to DIR [--token-file FILE]`: downloads tracks from
 * a peer's LAN server with resume. Run the same command again after an interruption (Ctrl-C, a
 * crash, a lost network) and it carries on from each file's `.part`. Peers are named by base URL
 * for now: discovery and pairing (issue 13, parts 2-3) will let a peer's name stand there.
 */
import { readFile } from 'node:fs/promises';
import { DownloadQueue, type DownloadStatus } from '../core/lan/downloads/queue';
import { isPeerUrl, isTrackId } from '../core/lan/downloads/queue-store';
import { bearerFetch, type LanFetch } from '../core/lan/downloads/transport';
import { EXIT } from './exit-codes';
import { openPeer, peerRequests } from './peer-cli';
import { defaultStateDir } from './paths';
import path from 'node:path';

/** The subcommand's help. */
export const GET_USAGE = `Usage: tunecamp-share get PEER PATH|TRACK_ID... --to DIR [--state-dir DIR] [--json]
       tunecamp-share get URL TRACK_ID[=PATH]... --to DIR [--token-file FILE] [--json]

Downloads tracks from another tunecamp-share's LAN server (--lan), resuming where a previous run
stopped: run the same command again after Ctrl-C, a crash or a lost connection.

  PEER              a paired device's name or id (tunecamp-share peers), over mutual TLS;
                    PATH is a track or a folder as tunecamp-share ls PEER shows it (a folder
                    comes whole, under its own name); --state-dir as for the daemon
  URL               another instance's plain LAN server, e.g. http://192.168.1.20:47310,
                    with a device token
  TRACK_ID[=PATH]   a track id (32 hex characters); PATH names the file below DIR
                    (default: the id and an extension from its type)
  --to DIR          where the files go (created if missing); an existing different file is
                    never overwritten: the download takes "name (2).ext"
  --token-file FILE the device token the peer gave (lan-token create), or TUNECAMP_LAN_TOKEN
  --per-peer N      downloads at once (default 2)
  --json            one JSON line per finished track on stdout (else its path)

Exit status: 0 all downloaded, 1 some failed, 2 bad usage, 3 the token was refused, 130 interrupted.
`;

interface GetArgs {
  peer: string;
  /** PEER form: paths or ids on a paired device, and the state folder holding the pairing. */
  items?: string[];
  stateDir?: string;
  tracks: { trackId: string; relPath?: string }[];
  to: string;
  tokenFile?: string;
  perPeer: number;
  json: boolean;
}

/** Parses the words after `get`; a string is a usage error, 'help' asks for the help. */
export function parseGetArgs(argv: readonly string[]): GetArgs | string | 'help' {
  const words: string[] = [];
  const o: Partial<GetArgs> = { perPeer: 2, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s) : [a];
    const value = () => inline ?? argv[++i];
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--json') o.json = true;
    else if (flag === '--to') o.to = value();
    else if (flag === '--token-file') o.tokenFile = value();
    else if (flag === '--state-dir') o.stateDir = value();
    else if (flag === '--per-peer') {
      const v = value() ?? '';
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 16)
        return '--per-peer takes a number from 1 to 16.';
      o.perPeer = Number(v);
    } else if (flag?.startsWith('-')) return `unknown option ${flag} for get.`;
    else words.push(a);
  }
  const [peer, ...ids] = words;
  if (peer === undefined) return 'help';
  if (!/^[a-z]+:\/\//i.test(peer)) {
    if (ids.length === 0) return 'get needs at least one PATH or TRACK_ID.';
    if (!o.to) return 'get needs --to DIR.';
    return { ...(o as GetArgs), peer, items: ids, tracks: [] };
  }
  if (!isPeerUrl(peer))
    return `"${peer}" is not a peer address: give its URL, e.g. http://192.168.1.20:47310.`;
  if (ids.length === 0) return 'get needs at least one TRACK_ID.';
  if (!o.to) return 'get needs --to DIR.';
  const tracks = [];
  for (const w of ids) {
    const eq = w.indexOf('=');
    const trackId = eq < 0 ? w : w.slice(0, eq);
    if (!isTrackId(trackId)) return `"${trackId}" is not a track id (32 lowercase hex characters).`;
    tracks.push({ trackId, relPath: eq < 0 ? undefined : w.slice(eq + 1) });
  }
  return { peer, tracks, to: o.to, tokenFile: o.tokenFile, perPeer: o.perPeer!, json: o.json! };
}

const EXTENSIONS: Record<string, string> = {
  'audio/mpeg': '.mp3',
  'audio/flac': '.flac',
  'audio/ogg': '.ogg',
  'audio/opus': '.opus',
  'audio/wav': '.wav',
  'audio/aiff': '.aiff',
  'audio/mp4': '.m4a',
  'audio/aac': '.aac',
};

/** `<id><ext>` from the track's Content-Type (a HEAD request): the peer sends no file name. */
async function defaultName(fetchFn: LanFetch, url: string): Promise<string> {
  const res = await fetchFn(url, {
    method: 'HEAD',
    headers: {},
    signal: AbortSignal.timeout(15_000),
  }).catch((e: Error & { cause?: { code?: string; message?: string } }) => {
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new Error(`cannot reach ${new URL(url).origin} (${why})`);
  });
  if (res.status === 401 || res.status === 403)
    throw Object.assign(new Error(`the peer refused the token (${res.status})`), {
      exit: EXIT.signIn,
    });
  if (res.status === 404) throw new Error(`the peer does not share ${url.slice(-32)} (404)`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  return `${url.slice(-32)}${EXTENSIONS[type] ?? ''}`;
}

/** Runs `get`; resolves with the exit status. `signal` stands for Ctrl-C (tests). */
export async function runGet(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<number> {
  const p = parseGetArgs(argv);
  const fail = (m: string, code: number): number => {
    process.stderr.write(`tunecamp-share: ${m}\n`);
    return code;
  };
  if (p === 'help') {
    process.stdout.write(GET_USAGE);
    return 0;
  }
  if (typeof p === 'string') return fail(p, EXIT.usage);
  if (p.items) {
    try {
      const dir = path.resolve(p.stateDir || defaultStateDir(process.platform, env));
      const { fetch: pinned, requests } = await peerRequests(await openPeer(dir, p.peer), p.items);
      if (requests.length === 0) return fail('nothing to download there.', EXIT.failure);
      return await download(p, pinned, requests, signal);
    } catch (e) {
      return fail((e as Error).message, EXIT.failure);
    }
  }
  let token = env.TUNECAMP_LAN_TOKEN?.trim();
  if (p.tokenFile) {
    token = await readFile(p.tokenFile, 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    );
    if (!token) return fail(`cannot read a token from ${p.tokenFile}.`, EXIT.usage);
  }
  const fetchFn = bearerFetch(token);
  const requests = [];
  for (const t of p.tracks) {
    const url = `${p.peer.replace(/\/+$/, '')}/track/${t.trackId}`;
    try {
      requests.push({
        peer: p.peer,
        trackId: t.trackId,
        relPath: t.relPath ?? (await defaultName(fetchFn, url)),
      });
    } catch (e) {
      return fail((e as Error).message, (e as { exit?: number }).exit ?? EXIT.failure);
    }
  }
  return download(p, fetchFn, requests, signal);
}

/** Runs the queue over `requests` until done or interrupted; resolves with the exit status. */
async function download(
  p: GetArgs,
  fetchFn: LanFetch,
  requests: { peer: string; trackId: string; relPath: string }[],
  signal?: AbortSignal,
): Promise<number> {
  const fail = (m: string, code: number): number => {
    process.stderr.write(`tunecamp-share: ${m}\n`);
    return code;
  };
  const queue = await DownloadQueue.open({ transport: () => fetchFn, perPeer: p.perPeer });
  const tty = Boolean(process.stderr.isTTY);
  queue.on('progress', (s) => {
    if (tty && s.size > 0)
      process.stderr.write(`\r\x1b[2K${s.relPath}: ${((100 * s.received) / s.size).toFixed(1)} %`);
  });
  queue.on('change', (s) => report(s, p.json, tty));
  const stop = () => void queue.close();
  process.once('SIGINT', stop);
  signal?.addEventListener('abort', stop, { once: true });
  queue.add(p.to, requests);
  await queue.idle();
  process.off('SIGINT', stop);
  const list = queue.list();
  if (list.some((s) => s.state === 'queued'))
    return fail('interrupted: run the same command again to resume.', EXIT.interrupted);
  const failed = list.filter((s) => s.state === 'failed');
  if (failed.some((s) => /\((401|403)\)/.test(s.error ?? ''))) return EXIT.signIn;
  return failed.length > 0 ? EXIT.failure : 0;
}

/** One line per finished or failed track; progress lines are for terminals only. */
function report(s: DownloadStatus, json: boolean, tty: boolean): void {
  const clear = tty ? '\r\x1b[2K' : '';
  if (s.state === 'done') {
    if (json)
      process.stdout.write(
        JSON.stringify({ trackId: s.trackId, file: s.file, size: s.size }) + '\n',
      );
    else process.stdout.write(`${s.file}\n`);
    process.stderr.write(clear);
  } else if (s.state === 'failed') {
    process.stderr.write(`${clear}tunecamp-share: ${s.relPath}: ${s.error}\n`);
  } else if (s.state === 'active' && s.error) {
    process.stderr.write(`${clear}${s.relPath}: ${s.error} (retrying)\n`);
  }
}
