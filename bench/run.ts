/**
 * The benchmark suite: `npm run bench [-- --quick] [-- --only NAME[,NAME]] [-- --runs N] [-- --keep]`.
 * Runs the headless daemon (dist/cli.js) as a child process against the hub emulator and prints
 * min/median/max per figure plus a markdown table; results also go to bench-results/.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BenchContext } from './lib/context';
import type { BenchConfig } from './lib/context';
import { assertCliBuilt, CLI, ROOT } from './lib/daemon';
import { markdownTable } from './lib/report';
import { changeLatency, reconnect } from './scenarios/live';
import { idle, scale, warmRestart } from './scenarios/scan';
import { coldScan } from './scenarios/cold';
import { slowDiskScan } from './scenarios/slow-disk';
import { windowList } from './scenarios/window';
import { desktop } from './scenarios/desktop';
import { fairTwenty, streamCeiling, streamFour, streamOne } from './scenarios/stream';
import { slowUplink } from './scenarios/uplink';
import { lan } from './scenarios/lan';
import { lanResume } from './scenarios/lan-resume';
import { rooms } from './scenarios/rooms';
import { lanFair } from './scenarios/lan-fair';
import { lanSeek } from './scenarios/lan-seek';
import { lanPeer } from './scenarios/lan-peer';
import { soak } from './scenarios/soak';

/** `--soak-minutes N`: how long `soak` runs (10 by default; the issue's two hours: 120). */
let soakMinutes = 10;

/** Scenarios in run order; later ones reuse the warm scan cache the first one leaves. */
const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<void>> = {
  cold: coldScan,
  slowdisk: slowDiskScan,
  warm: warmRestart,
  reconnect,
  change: changeLatency,
  stream: streamOne,
  ceiling: streamCeiling,
  stream4: streamFour,
  fair: fairTwenty,
  uplink: slowUplink,
  idle,
  scale,
  window: windowList,
  desktop,
  lan,
  'lan-resume': lanResume,
  rooms,
  'lan-fair': lanFair,
  'lan-seek': lanSeek,
  'lan-peer': lanPeer,
  soak: (ctx) => soak(ctx, soakMinutes),
};
/** Run only when named (`--only soak`): it takes ten minutes or more. */
const ON_REQUEST = new Set(['soak']);

function parse(argv: string[]): { config: BenchConfig; only: string[] } {
  const quick = argv.includes('--quick');
  const config: BenchConfig = {
    quick,
    tracks: quick ? 2000 : 20_000,
    largeMb: quick ? 20 : 100,
    runs: quick ? 1 : 3,
    scaleTracks: quick ? 10_000 : 100_000,
    keepCorpus: argv.includes('--keep'),
  };
  let only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick' || a === '--keep') continue;
    const v = argv[++i] ?? '';
    if (a === '--only') only = v.split(',').filter(Boolean);
    else if (a === '--runs') config.runs = Math.max(1, Number(v) || 1);
    else if (a === '--tracks') config.tracks = Math.max(1, Number(v) || config.tracks);
    else if (a === '--soak-minutes') soakMinutes = Math.max(1, Number(v) || soakMinutes);
    else
      throw new Error(
        `unknown option ${a} (known: --quick, --only NAME[,NAME], --runs N, --tracks N, --soak-minutes N, --keep)`,
      );
  }
  for (const name of only) {
    if (!(name in SCENARIOS))
      throw new Error(`unknown scenario ${name} (known: ${Object.keys(SCENARIOS).join(', ')})`);
  }
  return { config, only };
}

/** Machine facts for the report: CPU model and count, RAM, Node and kernel versions. */
export async function machine(): Promise<string> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const ram = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${os.availableParallelism()} x ${model}, ${ram} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

async function main(): Promise<void> {
  const { config, only } = parse(process.argv.slice(2));
  await assertCliBuilt();
  const ctx = new BenchContext(config);
  const names = only.length > 0 ? only : Object.keys(SCENARIOS).filter((n) => !ON_REQUEST.has(n));
  const started = new Date();
  const host = await machine();
  // The engine changes under active development: say exactly which build was measured.
  const cli = await stat(CLI);
  const label = process.env.BENCH_DAEMON ? path.relative(process.cwd(), CLI) : 'dist/cli.js';
  const build = `${label} built ${cli.mtime.toISOString()}, ${cli.size} bytes`;
  console.log(`tunecamp-share bench ${config.quick ? '(quick) ' : ''}on ${host}`);
  console.log(`figures: min / median / max\n`);
  const failures: string[] = [];
  const stop = (): void => void ctx.cleanup().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    for (const name of names) {
      console.log(`[${name}]`);
      const t0 = performance.now();
      try {
        await SCENARIOS[name]!(ctx);
      } catch (err) {
        const message = (err as Error).message;
        failures.push(`${name}: ${message}`);
        console.log(`  FAILED: ${message}`);
      }
      await ctx.stopAll();
      console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await ctx.cleanup();
  }
  const table = markdownTable(ctx.figures);
  const failed =
    failures.length > 0
      ? `\n\nScenarios that failed:\n\n${failures.map((f) => `- ${f}`).join('\n')}`
      : '';
  const report = [
    `Run: ${started.toISOString()}, \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``,
    `Machine: ${host}`,
    `Daemon: ${build}`,
    `Corpus: ${config.tracks} tracks (bench/corpus.ts, seed 1) + one ${config.largeMb} MiB WAV; runs per figure: ${config.runs}`,
    '',
    table + failed,
  ].join('\n');
  console.log(report);
  const dir = path.join(ROOT, 'bench-results');
  await mkdir(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  await writeFile(path.join(dir, `${stamp}.md`), report + '\n');
  await writeFile(
    path.join(dir, `${stamp}.json`),
    JSON.stringify({ config, host, failures, figures: ctx.figures }, null, 2),
  );
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exitCode = 1;
});
