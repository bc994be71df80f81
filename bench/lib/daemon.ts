import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The bundled daemon the benchmarks run (built by `npm run prepare`). `BENCH_DAEMON=/path/cli.js`
 * runs another build instead (A/B comparisons: copy an older dist/ aside and point at it).
 */
export const CLI = process.env.BENCH_DAEMON
  ? path.resolve(process.env.BENCH_DAEMON)
  : path.join(ROOT, 'dist', 'cli.js');

/**
 * Extra Node flags for every daemon the suite spawns, split on spaces: e.g.
 * `BENCH_DAEMON_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` to profile it (NODE_OPTIONS
 * refuses `--cpu-prof`, and would profile the bench process as well).
 */
const NODE_ARGS = (process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Token the bench hub accepts. Passed through the environment, never argv (PROTOCOL.md §1). */
export const BENCH_TOKEN = 'tc_bench';

/** How to start one daemon. */
export interface DaemonOptions {
  serverUrl: string;
  shares: string[];
  stateDir: string;
  extraArgs?: string[];
  /** Node flags for this daemon only (after BENCH_DAEMON_NODE_ARGS). */
  nodeArgs?: string[];
}

/** A running daemon child process. */
export interface Daemon {
  readonly pid: number;
  readonly child: ChildProcess;
  /** `performance.now()` just before spawn. */
  readonly spawnedAt: number;
  /** The last lines it wrote to stderr, for error reports. */
  tail(): string;
  /** Resolves when it exits; carries the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Fails with a clear message when dist/cli.js has not been built. */
export async function assertCliBuilt(): Promise<void> {
  try {
    await access(CLI);
  } catch {
    throw new Error(
      `${CLI} is missing: run \`npm run prepare\` (node scripts/build-cli.mjs) first`,
    );
  }
}

/** Spawns `node dist/cli.js --server URL --share DIR... --state-dir DIR` with the bench token in env. */
export function spawnDaemon(o: DaemonOptions): Daemon {
  const args = [
    ...NODE_ARGS,
    ...(o.nodeArgs ?? []),
    CLI,
    '--server',
    o.serverUrl,
    '--share',
    ...o.shares,
    '--state-dir',
    o.stateDir,
    ...(o.extraArgs ?? []),
  ];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, TUNECAMP_TOKEN: BENCH_TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  if (child.pid === undefined) throw new Error('could not start the daemon');
  return {
    pid: child.pid,
    child,
    spawnedAt,
    tail: () => [...lines, partial].join('\n').trim(),
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
