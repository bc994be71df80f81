/**
 * The desktop app itself, in real Electron under a private Xvfb and D-Bus (test/app/*): its cold
 * scan against the daemon's in the same run (alternated), start-up with a warm cache (to the window
 * shown, to the manifest published), and memory as PSS summed over every process of the app
 * (RSS would count the shared Chromium pages once per process).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startDesktopSession, type DesktopSession } from '../../test/app/desktop-session';
import {
  buildApp,
  connectWithToken,
  electronBinary,
  launchApp,
  processTree,
  type RunningApp,
} from '../../test/app/harness';
import { showView } from '../../test/e2e/ui-helpers';
import { mib } from '../lib/context';
import type { BenchContext, Corpus } from '../lib/context';
import { BENCH_TOKEN } from '../lib/daemon';
import { startBenchHub, waitPublished } from '../lib/hub';
import type { Hub } from '../../test/hub/emulator';

/**
 * PSS of a process tree (each page shared by n processes counts 1/n in each), in total and by
 * Chromium process type (main, renderer, gpu-process, utility, zygote…).
 */
export async function pssTree(
  pid: number,
): Promise<{ bytes: number; processes: number; byType: string }> {
  let kb = 0;
  const pids = await processTree(pid);
  const byType = new Map<string, number>();
  for (const p of pids) {
    const text = await readFile(`/proc/${p}/smaps_rollup`, 'utf8').catch(() => '');
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    const pss = Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
    const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? (p === pid ? 'main' : 'other');
    byType.set(type, (byType.get(type) ?? 0) + pss);
    kb += pss;
  }
  const parts = [...byType].map(([t, k]) => `${t} ${Math.round(k / 1024)}`).join(', ');
  return { bytes: kb * 1024, processes: pids.length, byType: parts };
}

/** BENCH_APP_ARGS: extra switches for the app (space-separated), to compare Chromium options. */
const APP_ARGS = (process.env.BENCH_APP_ARGS ?? '').split(' ').filter(Boolean);
/** CPU seconds (user + system) used so far by each Chromium process type of a tree. */
async function cpuByType(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of await processTree(pid)) {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? (p === pid ? 'main' : 'other');
    out.set(type, (out.get(type) ?? 0) + ticks / 100);
  }
  return out;
}

/** "main 9.1, renderer 3.2…": CPU seconds spent between two readings, by process type. */
function cpuSpent(before: Map<string, number>, after: Map<string, number>): string {
  return [...after].map(([t, s]) => `${t} ${(s - (before.get(t) ?? 0)).toFixed(1)}`).join(', ');
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signs in with the bench token, storing it in a private file (no keyring in the session). */
async function signIn(page: Page, hub: Hub): Promise<void> {
  await connectWithToken(page, hub.url, BENCH_TOKEN);
  await hub.waitFor(() => hub.sessions().length === 1, 20_000);
}

/** The app's first cold scan: the folder added from the window → the hub holds the corpus. */
async function appColdScan(
  ctx: BenchContext,
  appDir: string,
  session: DesktopSession,
  corpus: Corpus,
  hidden: boolean,
): Promise<{ seconds: number; running: RunningApp; hub: Hub; cpu: string }> {
  const hub = await startBenchHub();
  const running = await launchApp({
    appDir,
    sessionEnv: session.env,
    config: await ctx.tempDir('app-config'),
    dialogs: { messageBox: 0, openDialog: [corpus.dir] },
    args: APP_ARGS,
  });
  const page = await running.window();
  await signIn(page, hub);
  // Tracks: the view that does the most while tracks arrive.
  await showView(page, 'Tracks');
  const cpu0 = await cpuByType(running.pid);
  const t0 = performance.now();
  // Through the same IPC the button uses; then, for the hidden case, the window closes at once.
  const adding = page.evaluate((dir) => window.tunecamp!.invoke('addFolders', [dir]), corpus.dir);
  if (hidden) {
    await adding;
    await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
  }
  const p = await waitPublished(hub, {
    min: ctx.publishedCount ?? corpus.summary.tracks,
    settleMs: ctx.config.quick ? 1000 : 2000,
    timeoutMs: 600_000,
  });
  const cpu = cpuSpent(cpu0, await cpuByType(running.pid));
  return { seconds: (p.at - t0) / 1000, running, hub, cpu };
}

/** Starts the app with a warm state (plain spawn, no driver): to window shown and to published. */
async function warmStart(
  appDir: string,
  session: DesktopSession,
  config: string,
  hub: Hub,
  min: number,
): Promise<{ shownMs: number; publishedMs: number; pid: number; stop: () => Promise<void> }> {
  const logFile = path.join(config, 'tunecamp-share', 'logs', 'tunecamp-share.log');
  const before = (await readFile(logFile, 'utf8').catch(() => '')).length;
  const wall0 = Date.now();
  const t0 = performance.now();
  const child = spawn(await electronBinary(), ['--no-sandbox', appDir, ...APP_ARGS], {
    env: { PATH: process.env.PATH, HOME: config, XDG_CONFIG_HOME: config, ...session.env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const p = await waitPublished(hub, { min, settleMs: 1000, timeoutMs: 120_000 });
  let shownAt = NaN;
  for (let i = 0; i < 100 && Number.isNaN(shownAt); i++) {
    const text = (await readFile(logFile, 'utf8')).slice(before);
    const line = text.split('\n').find((l) => l.endsWith('Window shown'));
    if (line) shownAt = Date.parse(line.split(' ')[0]!);
    else await settle(100);
  }
  return {
    shownMs: shownAt - wall0,
    publishedMs: p.at - t0,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The desktop scenario (`--only desktop`). */
export async function desktop(ctx: BenchContext): Promise<void> {
  const corpus = await ctx.corpus(ctx.config.tracks);
  // BENCH_APP: another build's app folder (out/, package.json, node_modules) for an A/B.
  const built = process.env.BENCH_APP
    ? { dir: process.env.BENCH_APP, remove: async () => undefined }
    : await buildApp();
  const session = await startDesktopSession();
  try {
    for (let run = 0; run < ctx.config.runs; run++) {
      // Alternate with the daemon's cold scan of the same corpus, so the ratio is paired.
      const hub = await startBenchHub();
      const stateDir = await ctx.tempDir('state');
      const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
      const pd = await ctx.published(hub, d, corpus);
      await ctx.stopDaemon(hub, d);
      await hub.close();
      const daemonSeconds = (pd.at - d.spawnedAt) / 1000;
      ctx.add({
        key: 'desktop.daemonCold',
        measures: 'the daemon: cold scan, spawn → published (paired with the app runs)',
        unit: 's',
        values: [daemonSeconds],
      });

      for (const hidden of [false, true]) {
        const cold = await appColdScan(ctx, built.dir, session, corpus, hidden);
        const key = hidden ? 'desktop.coldHidden' : 'desktop.cold';
        ctx.add({
          key,
          measures: `the app: cold scan with the window ${hidden ? 'closed' : 'open on Tracks'}, folder added → hub holds the corpus (CPU s by process, last run: ${cold.cpu})`,
          unit: 's',
          values: [cold.seconds],
        });
        ctx.add({
          key: `${key}Ratio`,
          measures: "that / the daemon's cold scan just before",
          unit: 'x',
          values: [cold.seconds / daemonSeconds],
        });
        if (hidden || run > 0) {
          await cold.running.app.close();
          await cold.hub.close();
          continue;
        }
        // Memory with the window open on Tracks, then closed, on the same instance.
        const page = await cold.running.window();
        await showView(page, 'Tracks');
        await settle(10_000);
        let pss = await pssTree(cold.running.pid);
        ctx.add({
          key: 'desktop.pssOpen',
          measures: `PSS summed over the app's ${pss.processes} processes, ${corpus.summary.tracks} tracks, idle, window open on Tracks (MiB by process: ${pss.byType})`,
          unit: 'MiB',
          values: [mib(pss.bytes)],
          target: '< 400 MiB',
          pass: (m) => m < 400,
        });
        await cold.running.app.evaluate(({ BrowserWindow }) =>
          BrowserWindow.getAllWindows()[0]?.close(),
        );
        await settle(10_000);
        pss = await pssTree(cold.running.pid);
        ctx.add({
          key: 'desktop.pssClosed',
          measures: `the same after closing the window (${pss.processes} processes; MiB by process: ${pss.byType})`,
          unit: 'MiB',
          values: [mib(pss.bytes)],
          target: '< 250 MiB',
          pass: (m) => m < 250,
        });
        await cold.running.app.close();

        // Warm starts on that state: window shown and manifest published.
        for (let i = 0; i < 3; i++) {
          const warm = await warmStart(
            built.dir,
            session,
            cold.running.config,
            cold.hub,
            ctx.publishedCount ?? corpus.summary.tracks,
          );
          ctx.add({
            key: 'desktop.warmShown',
            measures: 'start with a warm cache → window shown',
            unit: 's',
            values: [warm.shownMs / 1000],
            target: '< 1.5 s',
            pass: (m) => m < 1.5,
          });
          ctx.add({
            key: 'desktop.warmPublished',
            measures: 'start with a warm cache → hub holds the manifest',
            unit: 's',
            values: [warm.publishedMs / 1000],
            target: '< 1.5 s',
            pass: (m) => m < 1.5,
          });
          await warm.stop();
          await cold.hub.waitFor(() => cold.hub.sessions().length === 0, 10_000);
        }
        await cold.hub.close();
      }
    }
  } finally {
    await session.stop();
    await built.remove();
  }
}
