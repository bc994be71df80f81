/**
 * `tunecamp-share lan-token create NAME | list [--json] | revoke NAME [--state-dir DIR]`: the LAN
 * device tokens of a state folder, managed from a shell. Works whether or not the daemon runs: it
 * edits `<state-dir>/lan-tokens.json`, and a running daemon picks the change up within a second
 * (a revoked device's open streams are cut then).
 */
import path from 'node:path';
import { LanTokens } from '../core/lan/lan-tokens';
import { EXIT } from './exit-codes';
import { defaultStateDir } from './paths';

/** The subcommand's help. */
export const LAN_TOKEN_USAGE = `Usage: tunecamp-share lan-token create NAME | list [--json] | revoke NAME [--state-dir DIR]

Tokens let players on the local network read tracks from the LAN server (--lan):
  create NAME   add a device; its token is printed once, on stdout (only a hash is kept)
  list          the devices (never their tokens)
  revoke NAME   remove one device; its open streams end
`;

interface Parsed {
  action: 'create' | 'list' | 'revoke' | 'help';
  name?: string;
  json: boolean;
  stateDir?: string;
}

/** Parses the words after `lan-token`; a string is a usage error to print. */
export function parseLanTokenArgs(argv: readonly string[]): Parsed | string {
  const words: string[] = [];
  const out: Parsed = { action: 'help', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--json') out.json = true;
    else if (a === '-h' || a === '--help') return { ...out, action: 'help' };
    else if (a === '--state-dir' || a.startsWith('--state-dir=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) return '--state-dir needs a value.';
      out.stateDir = v;
    } else if (a.startsWith('--')) return `unknown option ${a} for lan-token.`;
    else words.push(a);
  }
  const [action, name, extra] = words;
  if (action === undefined) return out;
  if (action !== 'create' && action !== 'list' && action !== 'revoke')
    return `unknown lan-token action "${action}" (create, list or revoke).`;
  if (action === 'list' ? name !== undefined : name === undefined || extra !== undefined)
    return action === 'list'
      ? 'lan-token list takes no name.'
      : `lan-token ${action} needs one NAME (quote names with spaces).`;
  return { ...out, action, name };
}

/** Runs the subcommand; resolves with the exit status. */
export async function runLanToken(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const p = parseLanTokenArgs(argv);
  if (typeof p === 'string') {
    process.stderr.write(`tunecamp-share: ${p}\n`);
    return EXIT.usage;
  }
  if (p.action === 'help') {
    process.stdout.write(LAN_TOKEN_USAGE);
    return 0;
  }
  const stateDir = path.resolve(p.stateDir ?? defaultStateDir(process.platform, env));
  const tokens = await LanTokens.open(stateDir);
  try {
    if (p.action === 'list') {
      if (tokens.problem) throw new Error(tokens.problem);
      const devices = tokens.list();
      if (p.json) process.stdout.write(JSON.stringify(devices) + '\n');
      else if (devices.length === 0) process.stderr.write('No LAN devices.\n');
      else
        for (const d of devices)
          process.stdout.write(`${d.name}\t(added ${new Date(d.createdAt).toISOString()})\n`);
    } else if (p.action === 'create') {
      const { name, token } = await tokens.create(p.name as string);
      process.stdout.write(`${token}\n`);
      process.stderr.write(
        `Device "${name}" added. The token above is shown only now: give it to the player as\n` +
          `"Authorization: Bearer <token>". Revoke it with: tunecamp-share lan-token revoke "${name}"\n`,
      );
    } else if (!(await tokens.revoke(p.name as string))) {
      process.stderr.write(`tunecamp-share: no LAN device named "${p.name}".\n`);
      return EXIT.failure;
    } else {
      process.stderr.write(`Device "${p.name}" revoked.\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`tunecamp-share: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}
