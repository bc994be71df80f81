import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTemplates } from '../corpus/render';
import { buildId3v23 } from '../corpus/tags';
import type { BenchContext } from '../lib/context';
import { lastUpgradeAt, pollUntil, startBenchHub } from '../lib/hub';
import { median } from '../lib/report';
import { ensureWarm } from './scan';

const CONFLICT_SAFE_MS = 11_000;

/** Reconnect: hub.kick() and hub.restart() on a published daemon → time until republished. */
export async function reconnect(ctx: BenchContext): Promise<void> {
  const stateDir = await ensureWarm(ctx);
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  const kicks = ctx.config.quick ? 2 : 5;
  const restarts = ctx.config.quick ? 1 : 3;
  try {
    const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
    let p = await ctx.published(hub, d, corpus);
    for (let i = 0; i < kicks + restarts; i++) {
      // The daemon reads sessions closed within 10 s of opening, repeatedly, as another client
      // replacing it (PROTOCOL.md §5) and backs off for minutes: keep each session up longer.
      await new Promise((r) => setTimeout(r, CONFLICT_SAFE_MS));
      const kick = i < kicks;
      const t0 = performance.now();
      if (kick) hub.kick(p.sessionId);
      else await hub.restart();
      const old = p.sessionId;
      p = await ctx.published(hub, d, corpus, { exclude: old, timeoutMs: 120_000 });
      ctx.add({
        key: kick ? 'reconnect.kick' : 'reconnect.restart',
        measures: kick
          ? 'hub closes the session (kick, reads 1005) → new session holds the manifest'
          : 'hub restarts (all sockets dropped, same port) → new session holds the manifest',
        unit: 's',
        values: [(p.at - t0) / 1000],
        target: '< 0.3 s',
        pass: (m) => m < 0.3,
      });
      ctx.add({
        key: 'reconnect.manifest',
        measures: 'of which: hub accepts the new connection (auth_ok) → holds the manifest',
        unit: 's',
        values: [(p.at - lastUpgradeAt(hub)) / 1000],
      });
    }
    await ctx.stopDaemon(hub, d);
  } finally {
    await hub.close();
  }
}

type Op = 'write' | 'modify' | 'rename' | 'delete';

/**
 * Change latency: write, modify (retag), rename and delete MP3s in a second shared folder while the
 * main corpus is shared too, polling the hub every 20 ms until its list shows the change.
 */
export async function changeLatency(ctx: BenchContext): Promise<void> {
  const stateDir = await ensureWarm(ctx);
  const corpus = await ctx.corpus(ctx.config.tracks);
  const scratch = await ctx.tempDir('changes');
  const templates = await loadTemplates();
  const body = templates.mp3[0]!;
  const mp3 = (title: string): Buffer =>
    Buffer.concat([buildId3v23({ title, artist: 'Bench', album: 'Changes', track: 1, year: 2024, genre: 'Rock' }, undefined, 0), body]);
  const hub = await startBenchHub();
  const pattern: Op[] = ['write', 'write', 'modify', 'rename', 'delete'];
  const total = ctx.config.quick ? 10 : 20;
  const byOp = new Map<Op, number[]>();
  let timeouts = 0;
  try {
    const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir, scratch], stateDir });
    await ctx.published(hub, d, corpus);
    const titles = (): Map<string, string> => new Map(hub.tracks().map((t) => [t.title, t.id]));
    const live: { file: string; title: string }[] = [];
    for (let i = 0; i < total; i++) {
      const op = pattern[i % pattern.length]!;
      await new Promise((r) => setTimeout(r, 300));
      let done: () => boolean;
      const t0 = performance.now();
      if (op === 'write') {
        const entry = { file: path.join(scratch, `new ${i}.mp3`), title: `bench-change-${i}` };
        await writeFile(entry.file, mp3(entry.title));
        live.push(entry);
        done = () => titles().has(entry.title);
      } else if (op === 'modify') {
        const entry = live[0]!;
        const before = entry.title;
        entry.title = `bench-change-${i}-retagged`;
        await writeFile(entry.file, mp3(entry.title));
        done = () => {
          const t = titles();
          return t.has(entry.title) && !t.has(before);
        };
      } else if (op === 'rename') {
        const entry = live[live.length - 1]!;
        const oldId = titles().get(entry.title);
        const listBefore = hub.tracks();
        const to = path.join(scratch, `renamed ${i}.mp3`);
        await rename(entry.file, to);
        entry.file = to;
        // Ids may follow content rather than path, so any new manifest still holding the title counts.
        done = () => {
          const id = titles().get(entry.title);
          return id !== undefined && (id !== oldId || hub.tracks() !== listBefore);
        };
      } else {
        const entry = live.shift()!;
        await unlink(entry.file);
        done = () => !titles().has(entry.title);
      }
      const ms = await pollUntil(done, 15_000, 20).then(
        (at) => at - t0,
        () => (timeouts++, 15_000),
      );
      byOp.set(op, [...(byOp.get(op) ?? []), ms]);
      ctx.add({
        key: 'change.latency',
        measures: 'file written/retagged/renamed/deleted in a shared folder → hub list shows it (min / median / worst)',
        unit: 'ms',
        values: [ms],
        target: 'median < 1500, worst < 3000',
        pass: (m) => m < 1500,
      });
    }
    const fig = ctx.figures.find((f) => f.key === 'change.latency');
    if (fig) {
      const parts = [...byOp].map(([op, v]) => `${op} median ${median(v).toFixed(0)} ms`);
      fig.note = `${parts.join(', ')}; worst ${Math.max(...fig.values).toFixed(0)} ms${timeouts ? `; ${timeouts} timed out at 15 s` : ''}`;
      const worst = Math.max(...fig.values);
      fig.pass = (m) => m < 1500 && worst < 3000;
    }
    await ctx.stopDaemon(hub, d);
  } finally {
    await hub.close();
  }
}
