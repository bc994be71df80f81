import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTemplates } from '../corpus/render';
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
  // Untagged files: the title falls back to the file name, so a rename shows in the manifest even
  // though ids follow content; the trailing region makes each version's bytes (and id) unique.
  const mp3 = (version: string): Buffer =>
    Buffer.concat([body, Buffer.from(version.padEnd(64, '.'), 'latin1')]);
  const hub = await startBenchHub();
  const pattern: Op[] = ['write', 'write', 'modify', 'rename', 'delete'];
  const total = ctx.config.quick ? 10 : 20;
  const byOp = new Map<Op, number[]>();
  let timeouts = 0;
  try {
    const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir, scratch], stateDir });
    await ctx.published(hub, d, corpus);
    const byId = (): Map<string, string> => new Map(hub.tracks().map((t) => [t.id, t.title]));
    /** The one id in the hub's list that was not there before, once there is one. */
    const newId = (before: Map<string, string>): string | undefined =>
      [...byId().keys()].find((id) => !before.has(id));
    const live: { file: string; id?: string }[] = [];
    for (let i = 0; i < total; i++) {
      const op = pattern[i % pattern.length]!;
      await new Promise((r) => setTimeout(r, 300));
      const before = byId();
      let done: () => boolean;
      const t0 = performance.now();
      if (op === 'write' || op === 'modify') {
        const entry = op === 'write' ? { file: path.join(scratch, `new ${i}.mp3`) } : live[0]!;
        if (op === 'write') live.push(entry);
        const oldId = entry.id;
        await writeFile(entry.file, mp3(`bench-change-${i}`));
        done = () => {
          entry.id = newId(before);
          return entry.id !== undefined && (oldId === undefined || !byId().has(oldId));
        };
      } else if (op === 'rename') {
        const entry = live[live.length - 1]!;
        const oldTitle = before.get(entry.id ?? '');
        const to = path.join(scratch, `renamed ${i}.mp3`);
        await rename(entry.file, to);
        entry.file = to;
        done = () => {
          const title = byId().get(entry.id ?? '');
          return title !== undefined && title !== oldTitle;
        };
      } else {
        const entry = live.shift()!;
        await unlink(entry.file);
        done = () => !byId().has(entry.id ?? '');
      }
      const limit = op === 'rename' ? 5_000 : 15_000;
      const ms = await pollUntil(done, limit, 20).then(
        (at) => at - t0,
        () => (op !== 'rename' && timeouts++, limit),
      );
      byOp.set(op, [...(byOp.get(op) ?? []), ms]);
      if (op === 'rename') {
        ctx.add({
          key: 'change.rename',
          measures:
            'untagged MP3 renamed in a shared folder → hub shows the new file-name title (5000 = not shown within 5 s)',
          unit: 'ms',
          values: [ms],
        });
        continue;
      }
      ctx.add({
        key: 'change.latency',
        measures:
          'MP3 written / rewritten / deleted in a shared folder → hub list shows it (min / median / worst)',
        unit: 'ms',
        values: [ms],
        target: 'median < 1500, worst < 3000',
        pass: (m) => m < 1500,
      });
    }
    const fig = ctx.figures.find((f) => f.key === 'change.latency');
    if (fig) {
      const parts = [...byOp]
        .filter(([op]) => op !== 'rename')
        .map(([op, v]) => `${op} median ${median(v).toFixed(0)} ms`);
      const worst = Math.max(...fig.values);
      fig.note = `${parts.join(', ')}; worst ${worst.toFixed(0)} ms${timeouts ? `; ${timeouts} timed out at 15 s` : ''}`;
      fig.pass = (m) => m < 1500 && worst < 3000;
    }
    await ctx.stopDaemon(hub, d);
  } finally {
    await hub.close();
  }
}
