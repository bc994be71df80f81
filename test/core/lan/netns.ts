/**
 * Network namespaces for the LAN tests: why they cannot be made here (not root, no iproute2), and
 * two namespaces joined by a veth pair, each end with its address and up, removed by `remove`.
 * Nothing touches the machine's own interfaces.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Runs `ip ARGS`, throwing with its output on failure. */
const ip = (...args: string[]): Buffer => execFileSync('ip', args, { stdio: 'pipe' });

/** Why namespaces cannot be made here, or null. */
export function namespacesMissing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'the ip command (iproute2) with netns support is missing';
  }
  return null;
}

/** Two namespaces on one link: names, interface names and addresses, in the order a, b. */
export interface NamespacePair {
  ns: [string, string];
  ifs: [string, string];
  addrs: [string, string];
  /** Deletes both namespaces (and with them the link); safe to call twice. */
  remove(): void;
}

/**
 * Names for a pair on `subnet` (e.g. '10.231.77': .1 and .2/24), unique per run; `make()` creates
 * them. Names are known before creation so an afterAll can remove what a failed test left.
 */
export function namespacePair(prefix: string, subnet: string): NamespacePair & { make(): void } {
  const tag = randomBytes(3).toString('hex');
  const ns: [string, string] = [`${prefix}-${tag}-a`, `${prefix}-${tag}-b`];
  const ifs: [string, string] = [`${prefix}va${tag.slice(0, 4)}`, `${prefix}vb${tag.slice(0, 4)}`];
  const addrs: [string, string] = [`${subnet}.1`, `${subnet}.2`];
  return {
    ns,
    ifs,
    addrs,
    make() {
      for (const n of ns) ip('netns', 'add', n);
      ip('link', 'add', ifs[0], 'type', 'veth', 'peer', 'name', ifs[1]);
      for (const i of [0, 1] as const) {
        ip('link', 'set', ifs[i], 'netns', ns[i]);
        ip('-n', ns[i], 'addr', 'add', `${addrs[i]}/24`, 'dev', ifs[i]);
        ip('-n', ns[i], 'link', 'set', 'lo', 'up');
        ip('-n', ns[i], 'link', 'set', ifs[i], 'up');
      }
    },
    remove() {
      for (const n of ns) execFileSync('ip', ['netns', 'delete', n], { stdio: 'ignore' });
    },
  };
}
