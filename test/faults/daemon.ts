import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Hub } from '../hub/emulator';
import { fetchAll, sha256 } from '../e2e/helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The daemon's entry point, as npm installs it. */
const BIN = path.join(ROOT, 'bin/tunecamp-share.js');

/** The newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds `dist/cli.js` from the sources (what the daemon tests run), unless it is newer than every
 * source file: several fault files start daemons, and one build serves them all.
 */
export function buildDaemon(): void {
  const built = path.join(ROOT, 'dist/cli.js');
  const sources = Math.max(
    newest(path.join(ROOT, 'src/main')),
    newest(path.join(ROOT, 'src/shared')),
  );
  const fresh = existsSync(built) && statSync(built).mtimeMs > sources;
  if (!fresh)
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
}

/** A running daemon: its output so far, and ways to wait on it and end it. */
export interface Daemon {
  child: ChildProcess;
  /** stdout and stderr so far. */
  out(): string;
  /** Resolves when the output matches `re` (rejects after `ms` or if the daemon exits). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit status. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `tunecamp-share ARGS` with a clean environment plus `env`. */
export function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    out: () => text,
    waitFor: async (re, ms = 20_000) => {
      const t0 = performance.now();
      for (;;) {
        const m = re.exec(text);
        if (m) return m;
        if (child.exitCode !== null || performance.now() - t0 > ms)
          throw new Error(`daemon output never matched ${re} (exit ${child.exitCode}):\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Streams the first published track through the hub; true when the bytes equal `file`'s. */
export async function streamsWhole(hub: Hub, fileBytes: Map<string, Buffer>): Promise<boolean> {
  const session = hub.sessions()[0];
  const track = hub.tracks()[0];
  if (!session || !track) return false;
  const res = await fetchAll(
    `${hub.url}/api/peers/${session.id}/tracks/${track.id}/stream?token=tc_good`,
  );
  if (res.status !== 200) return false;
  const got = sha256(res.body);
  return [...fileBytes.values()].some((b) => sha256(b) === got);
}
