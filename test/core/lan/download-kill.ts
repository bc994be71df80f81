/**
 * kill -9 of a downloader at random moments, again and again, each new process resuming from what
 * the last one left: after every kill the `.part` and its sidecar must agree with the source, and
 * every finished file must equal it. Used by `downloads-kill.test.ts` (20 kills) and by
 * `node --import tsx test/core/lan/download-kill.ts [N]` for a longer run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addReal, checkConsistent } from './download-helpers';
import { bytes, startRig } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.join(import.meta.dirname, 'download-child.ts');

/** What a loop saw. */
export interface KillReport {
  kills: number;
  completed: number;
  problems: string[];
}

/** Runs the child until `done`, or kills it `delayMs` after `ready`; resolves with how it ended. */
function runChild(args: string[], delayMs: number): Promise<'done' | 'killed' | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('ready')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('done')) resolve('done');
      else resolve(`exited ${code}: ${err.slice(-500)}`);
    });
  });
}

/** `iterations` kills (runs that finish first do not count) of downloads of a 6 MiB track. */
export async function killLoop(iterations: number, log = (_: string) => {}): Promise<KillReport> {
  const rig = await startRig();
  const out = await mkdtemp(path.join(os.tmpdir(), 'tcs-dlkill-'));
  const report: KillReport = { kills: 0, completed: 0, problems: [] };
  try {
    const data = bytes(6 * 1024 * 1024 + 777);
    const t = await addReal(rig, data);
    const dest = path.join(out, 'song.flac');
    await writeFile(path.join(out, 'token'), rig.token);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    while (report.kills < iterations) {
      // 0-450 ms after start: the whole download takes ~400 ms, resumed ones less.
      const ended = await runChild(
        [rig.url(t.id), t.id, dest, rig.token],
        Math.floor(rand() * 450),
      );
      if (ended === 'killed') report.kills++;
      else if (ended !== 'done') report.problems.push(`run ${report.kills}: ${ended}`);
      const problem = await checkConsistent(dest, data);
      if (problem) report.problems.push(`after kill ${report.kills}: ${problem}`);
      const final = await readFile(dest).catch(() => null);
      if (final) {
        report.completed++;
        if (!final.equals(data)) report.problems.push('a finished file differs from the source');
        // Start the next download afresh, as if the user had moved the file away.
        for (const f of [dest, `${dest}.part`, `${dest}.part.json`]) await rm(f, { force: true });
      }
      log(`kill ${report.kills}: ${ended}${problem ? ` (${problem})` : ''}`);
    }
  } finally {
    await rig.close();
    await rm(out, { recursive: true, force: true });
  }
  return report;
}

if (process.argv[1] === import.meta.filename) {
  const n = Number(process.argv[2] ?? 200);
  const r = await killLoop(n, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exitCode = r.problems.length > 0 ? 1 : 0;
}
