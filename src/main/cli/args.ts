import { isIP } from 'node:net';

/** The daemon's parsed command line and environment. */
export interface CliOptions {
  server?: string;
  shares: string[];
  allowDownloads?: boolean;
  stateDir?: string;
  token?: string;
  /** Where the token came from, for the warning about `--token`. */
  tokenSource?: 'env' | 'file' | 'flag';
  tokenFile?: string;
  scanOnly: boolean;
  json: boolean;
  config?: string;
  uiPort?: number;
  uiHost: string;
  maxTransfers?: number;
  /** `--lan`: serve tracks to LAN devices (implied by `--lan-port` / `--lan-host`). */
  lan?: boolean;
  lanPort?: number;
  lanHost?: string;
  /** `--lan-interface NAME[,NAME]`: announce on these interfaces only. */
  lanInterfaces?: string[];
  help: boolean;
  version: boolean;
}

/** A usage problem: one line for the user, exit code 2. */
export class UsageError extends Error {}

/** The help text (kept next to the parser so they cannot drift). */
export const USAGE = `Usage: tunecamp-share --server URL --share DIR [DIR...] [options]
       tunecamp-share lan-token create NAME | list | revoke NAME [--state-dir DIR]
       tunecamp-share nearby [--json] [--watch] [--wait SECONDS] [--lan-interface NAME]
       tunecamp-share room open [--host ADDR]... [--port N] [--json] FILE|FOLDER...
       tunecamp-share pair-link | pair LINK | peers | unpair ID [--state-dir DIR]
       tunecamp-share get URL TRACK_ID[=PATH]... --to DIR [--token-file FILE]   (see: get --help)

Shares music folders with a TuneCamp server over the peer tunnel.

Options:
  --server URL            TuneCamp server address (env TUNECAMP_SERVER)
  --share DIR [DIR...]    folders to share (env TUNECAMP_SHARE, comma-separated)
  --no-allow-downloads    stream only: listeners may not download (env TUNECAMP_ALLOW_DOWNLOADS=false)
  --state-dir DIR         scan cache, settings and token (default: the platform's app data folder)
  --token-file FILE       read the token from FILE (or set TUNECAMP_TOKEN)
  --token TOKEN           the token itself (visible to other local users: prefer the two above)
  --config FILE           settings file in the app's schema (JSON); reloaded on SIGHUP
  --scan-only             scan, print a summary and exit (with --json: the manifest as JSON)
  --json                  with --scan-only, print the exact manifest that would be published
  --ui-port PORT          serve the control window on 127.0.0.1:PORT (token in the printed URL)
  --ui-host HOST          address for --ui-port (default 127.0.0.1)
  --max-transfers N       concurrent transfers (default 6)
  --lan                   serve tracks to devices on the local network (see: lan-token --help)
  --lan-port PORT         port of the LAN server (default 47310; implies --lan)
  --lan-host ADDR         address it binds (default 0.0.0.0, every IPv4 interface; implies --lan)
  --lan-interface NAME    announce on these interfaces only, comma-separated (default: every
                          interface that looks like a LAN; implies --lan)
  -h, --help              this text
  -v, --version           the version
`;

const VALUE_FLAGS = new Set([
  '--server',
  '--state-dir',
  '--token-file',
  '--token',
  '--config',
  '--ui-port',
  '--ui-host',
  '--max-transfers',
  '--lan-port',
  '--lan-host',
  '--lan-interface',
]);

/**
 * Parses argv (without node and script) and the environment. Flags win over the environment.
 * Throws UsageError with a one-line message on anything malformed.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const o: CliOptions = {
    shares: [],
    scanOnly: false,
    json: false,
    uiHost: '127.0.0.1',
    help: false,
    version: false,
  };
  let sharesFromFlag = false;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && v.length > 1))
        throw new UsageError(`${flag} needs a value.`);
      i++;
      return v;
    };
    if (VALUE_FLAGS.has(flag)) {
      const v = value();
      if (v.trim() === '') throw new UsageError(`${flag} needs a non-empty value.`);
      if (flag === '--server') o.server = v;
      else if (flag === '--state-dir') o.stateDir = v;
      else if (flag === '--token-file') o.tokenFile = v;
      else if (flag === '--token') [o.token, o.tokenSource] = [v, 'flag'];
      else if (flag === '--config') o.config = v;
      else if (flag === '--ui-host') o.uiHost = v;
      else if (flag === '--ui-port') o.uiPort = intIn(flag, v, 0, 65535);
      else if (flag === '--max-transfers') o.maxTransfers = intIn(flag, v, 1, 64);
      else if (flag === '--lan-port') [o.lanPort, o.lan] = [intIn(flag, v, 0, 65535), true];
      else if (flag === '--lan-host') {
        // An address, not a name: a name would be resolved by whoever answers DNS.
        if (isIP(v) === 0) throw new UsageError(`--lan-host takes an IP address, not "${v}".`);
        [o.lanHost, o.lan] = [v, true];
      } else if (flag === '--lan-interface') {
        const names = v
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
        if (!names.every((n) => /^[\w.:@-]{1,32}$/.test(n)))
          throw new UsageError(`--lan-interface takes interface names such as eth0, not "${v}".`);
        [o.lanInterfaces, o.lan] = [names, true];
      }
      continue;
    }
    switch (flag) {
      case '--share': {
        sharesFromFlag = true;
        if (inline !== undefined) o.shares.push(inline);
        while (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('--')) {
          o.shares.push(argv[++i] as string);
        }
        if (o.shares.length === 0) throw new UsageError('--share needs at least one folder.');
        break;
      }
      case '--no-allow-downloads':
        o.allowDownloads = false;
        break;
      case '--allow-downloads':
        o.allowDownloads = true;
        break;
      case '--lan':
        o.lan = true;
        break;
      case '--scan-only':
        o.scanOnly = true;
        break;
      case '--json':
        o.json = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '-v':
      case '--version':
        o.version = true;
        break;
      default:
        throw new UsageError(`Unknown option ${flag}. Run tunecamp-share --help.`);
    }
  }
  if (o.json && !o.scanOnly) throw new UsageError('--json goes with --scan-only.');
  if (o.server === undefined && env.TUNECAMP_SERVER) o.server = env.TUNECAMP_SERVER;
  if (!sharesFromFlag && env.TUNECAMP_SHARE) {
    o.shares = env.TUNECAMP_SHARE.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (o.allowDownloads === undefined && env.TUNECAMP_ALLOW_DOWNLOADS !== undefined) {
    // As the server does: only the exact string "false" disables.
    o.allowDownloads = env.TUNECAMP_ALLOW_DOWNLOADS.trim() !== 'false';
  }
  if (o.token === undefined && o.tokenFile === undefined && env.TUNECAMP_TOKEN) {
    [o.token, o.tokenSource] = [env.TUNECAMP_TOKEN, 'env'];
  }
  return o;
}

function intIn(flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} takes a whole number, not "${v}".`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}.`);
  return n;
}
