/**
 * An optional same-run comparison with the reference client. `BENCH_REFERENCE=/path/peer-daemon.js`
 * (tunecamp-peer, with its dependencies installed beside it) makes the cold scenario time its scan
 * of the same corpus once, and the stream and ceiling scenarios stream the large file through it
 * too, alternating with ours run by run, so that the ratios the issue asks about are measured on
 * one machine in one run. The VM this suite grew up on changes speed by tens of percent from
 * minute to minute; figures taken minutes apart cannot carry a ratio.
 * The reference's code is not part of this repository. Any script that takes `--server URL
 * --share DIR` and the token in TUNECAMP_TOKEN works, so another build's `dist/cli.js` gives a
 * paired A/B of two builds of ours (it also gets `--state-dir`, which tunecamp-peer ignores).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFile, link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Hub } from '../../test/hub/emulator';
import type { BenchContext, Corpus } from './context';
import { BENCH_TOKEN } from './daemon';
import { startBenchHub } from './hub';

/** The reference client's entry script, when the run should compare against it. */
export const REFERENCE = process.env.BENCH_REFERENCE
  ? path.resolve(process.env.BENCH_REFERENCE)
  : undefined;

/** The reference client, running and published on a hub of its own. */
export interface ReferencePeer {
  hub: Hub;
  pid: number;
  sessionId: string;
  trackId: string;
  stop(): Promise<void>;
}

/** A reference client process sharing `share` with `hub`; `dir` is its cwd and state dir. */
export function spawnReference(
  hub: Hub,
  share: string,
  dir: string,
): {
  child: ChildProcess;
  exited: Promise<number | null>;
  tail: () => string;
  stop: () => Promise<void>;
} {
  if (!REFERENCE) throw new Error('BENCH_REFERENCE is not set');
  const args = [REFERENCE, '--server', hub.url, '--share', share, '--state-dir', dir];
  // Its own cwd: the reference reads a `.env` from wherever it starts.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TUNECAMP_TOKEN: BENCH_TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    exited,
    tail: () => stderr.trim(),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Starts the reference client sharing a folder that holds only the corpus's large file (a hard
 * link, else a copy): it scans and tags every file on each connect, which on the whole corpus
 * would take it most of a minute. Resolves once its hub lists the file.
 */
export async function startReference(ctx: BenchContext, corpus: Corpus): Promise<ReferencePeer> {
  const large = corpus.summary.large[0];
  if (!large) throw new Error('the corpus has no large file');
  const dir = await ctx.tempDir('reference');
  const share = path.join(dir, 'share');
  await mkdir(share);
  const source = path.join(corpus.dir, large.rel);
  const target = path.join(share, path.basename(large.rel));
  await link(source, target).catch(() => copyFile(source, target));
  const hub = await startBenchHub();
  const peer = spawnReference(hub, share, dir);
  const stop = async (): Promise<void> => {
    await peer.stop();
    await hub.close();
  };
  let gone = false;
  void peer.exited.then(() => (gone = true));
  try {
    await hub.waitFor(() => {
      if (gone) throw new Error('exited');
      return hub.tracks().some((t) => t.fileSizeBytes === large.bytes);
    }, 60_000);
  } catch {
    await stop();
    throw new Error(`the reference client did not publish the large file:\n${peer.tail()}`);
  }
  const track = hub.tracks().find((t) => t.fileSizeBytes === large.bytes)!;
  return {
    hub,
    pid: peer.child.pid!,
    sessionId: hub.sessions().at(-1)!.id,
    trackId: track.id,
    stop,
  };
}
