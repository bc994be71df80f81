/**
 * Generates a synthetic music library for the benchmarks:
 *   npm run corpus -- --tracks 20000 --out DIR [--seed N] [--large N] [--large-mb MB] [--force] [--no-verify]
 * Writes DIR/.bench-corpus.json (hidden, so never shared) describing what the daemon should publish.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { wavHeader } from './corpus/flac-wav';
import { planCorpus } from './corpus/plan';
import type { FilePlan } from './corpus/plan';
import { createRng } from './corpus/prng';
import { loadTemplates, renderFile } from './corpus/render';
import { SUMMARY_FILE } from './corpus/summary';
import type { CorpusSummary } from './corpus/summary';

interface Options {
  tracks: number;
  out: string;
  seed: number;
  large: number;
  largeMb: number;
  force: boolean;
  verify: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    tracks: 2000,
    out: '',
    seed: 1,
    large: 0,
    largeMb: 100,
    force: false,
    verify: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a non-negative integer`);
      return v;
    };
    if (flag === '--tracks') o.tracks = num();
    else if (flag === '--seed') o.seed = num();
    else if (flag === '--large') o.large = num();
    else if (flag === '--large-mb') o.largeMb = num();
    else if (flag === '--out') o.out = argv[++i] ?? '';
    else if (flag === '--force') o.force = true;
    else if (flag === '--no-verify') o.verify = false;
    else throw new Error(`unknown option ${flag}`);
  }
  if (o.out === '') throw new Error('--out DIR is required');
  return o;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Streams one big WAV (≥ `mb` MiB) of noise, for throughput runs, without holding it in memory. */
async function writeLarge(file: string, title: string, mb: number, seed: number): Promise<number> {
  const block = createRng(seed).bytes(1 << 20);
  const dataBytes = mb * (1 << 20);
  const tags = {
    title,
    artist: 'Bench',
    album: 'Large Files',
    track: 1,
    year: 2024,
    genre: 'Noise',
  };
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const header = wavHeader(tags, dataBytes);
  out.write(header);
  for (let i = 0; i < mb; i++) {
    block[0] = i & 0xff; // each MiB differs a little, so no two blocks hash alike
    if (!out.write(Buffer.from(block))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return header.length + dataBytes;
}

async function verifySample(root: string, files: FilePlan[]): Promise<string[]> {
  const problems: string[] = [];
  const byFormat = new Map<string, FilePlan[]>();
  for (const f of files) {
    if (f.kind !== 'audio') continue;
    const list = byFormat.get(`${f.format}:${f.tagged}`) ?? [];
    if (list.length < 6) byFormat.set(`${f.format}:${f.tagged}`, [...list, f]);
  }
  for (const f of [...byFormat.values()].flat()) {
    if (f.kind !== 'audio') continue;
    try {
      const meta = await parseFile(path.join(root, f.rel), { skipCovers: true });
      const want = f.tagged ? f.tags.title : undefined;
      // WAV INFO text has no declared encoding; readers take it as Latin-1, so only presence is checked.
      const same =
        f.format === 'wav'
          ? (meta.common.title === undefined) === (want === undefined)
          : meta.common.title === want;
      if (!same) problems.push(`${f.rel}: title ${meta.common.title} != ${want}`);
      if (!meta.format.duration || meta.format.duration <= 0)
        problems.push(`${f.rel}: no duration`);
    } catch (err) {
      problems.push(`${f.rel}: ${(err as Error).message}`);
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const existing = await readdir(o.out).catch(() => []);
  if (existing.length > 0) {
    if (!o.force) throw new Error(`${o.out} is not empty (use --force to replace it)`);
    await rm(o.out, { recursive: true, force: true });
  }
  const templates = await loadTemplates();
  const { files, totals } = planCorpus(o.tracks, o.seed);
  const dirs = new Set(files.map((f) => path.dirname(path.join(o.out, f.rel))));
  await pool([...dirs], 16, async (d) => void (await mkdir(d, { recursive: true })));
  let bytes = 0;
  await pool(files, 32, async (f) => {
    const data = renderFile(f, templates);
    bytes += Buffer.byteLength(data);
    await writeFile(path.join(o.out, f.rel), data);
  });
  const large: CorpusSummary['large'] = [];
  if (o.large > 0) await mkdir(path.join(o.out, 'Large'), { recursive: true });
  for (let i = 1; i <= o.large; i++) {
    const rel = `Large/bench-large-${i}.wav`;
    const size = await writeLarge(path.join(o.out, rel), `bench-large-${i}`, o.largeMb, o.seed + i);
    large.push({ rel, title: `bench-large-${i}`, bytes: size });
    bytes += size;
  }
  const seconds = (performance.now() - started) / 1000;
  const summary: CorpusSummary = {
    ...totals,
    tracks: totals.tracks + o.large,
    seed: o.seed,
    files: files.length + o.large,
    bytes,
    large,
    seconds,
  };
  await writeFile(path.join(o.out, SUMMARY_FILE), JSON.stringify(summary, null, 2));
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  console.log(`corpus: ${o.out} (seed ${o.seed})`);
  console.log(
    `  publishable tracks ${summary.tracks} (${JSON.stringify(totals.byFormat)}, untagged ${totals.untagged})`,
  );
  console.log(`  corrupt ${totals.corrupt}, audio in junk/hidden folders ${totals.ignoredAudio}`);
  console.log(
    `  covers ${totals.covers}, text files ${totals.textFiles}, large ${o.large} x ${o.largeMb} MiB`,
  );
  console.log(
    `  ${summary.files} files, ${mib(bytes)} MiB, avg ${(bytes / summary.files / 1024).toFixed(0)} KiB`,
  );
  console.log(`  written in ${seconds.toFixed(1)} s`);
  if (o.verify) {
    const problems = await verifySample(o.out, files);
    if (problems.length > 0) {
      console.error(
        `verify: ${problems.length} sampled files do not parse as planned:\n  ${problems.join('\n  ')}`,
      );
      process.exitCode = 1;
    } else
      console.log(
        '  verify: sampled files of every format parse with music-metadata, tags as planned',
      );
  }
}

main().catch((err: unknown) => {
  console.error(`corpus: ${(err as Error).message}`);
  process.exitCode = 1;
});
