import path from 'node:path';
import { ScanCache, type CacheRecord } from '../../src/main/core/library/scan-cache';
import { ConfSettingsStore, FileSecretStore } from '../../src/main/core/settings/store';

/** Record `i` of generation `g`: every field says its generation, so a mix shows. */
export function generationRecord(g: number, i: number): CacheRecord {
  return {
    size: 4096 + i,
    mtimeMs: g,
    dev: 7,
    ino: 1000 + i,
    track: {
      id: (g * 100_000 + i).toString(16).padStart(32, '0'),
      title: `generation ${g} track ${i} ${'x'.repeat(i % 50)}`,
      mimeType: 'audio/flac',
      format: 'flac',
    },
  };
}

/** The generation each file of a killed writer's state dir holds, or why it cannot say. */
export interface Found {
  cache: number | 'empty';
  settings: number;
  token: number | null;
  problems: string[];
}

/** Reads the state as a restart would and names the generation of each part. */
export async function readGenerations(dir: string, records: number): Promise<Found> {
  const problems: string[] = [];
  const cache = await ScanCache.open(path.join(dir, 'scan-cache.json'));
  problems.push(...cache.warnings);
  let gen: number | 'empty' = 'empty';
  if (cache.size > 0) {
    const gens = new Set<number>();
    for (let i = 0; i < records; i++) {
      const r = cache.get(`/music/${i}.flac`);
      const g = r?.mtimeMs ?? -1;
      gens.add(g);
      if (r && JSON.stringify(r) !== JSON.stringify(generationRecord(g, i)))
        problems.push(`record ${i} of generation ${g} altered`);
    }
    if (gens.size !== 1) problems.push(`scan cache mixes generations ${[...gens].join(', ')}`);
    gen = [...gens][0] ?? -1;
  }
  const settings = new ConfSettingsStore(dir);
  problems.push(...settings.problems);
  const text = await new FileSecretStore(dir).getToken().catch((e: Error) => {
    problems.push(e.message);
    return null;
  });
  const token = text === null ? null : Number(/^tc_generation_(\d+)$/.exec(text)?.[1] ?? -1);
  if (token === -1) problems.push(`token unreadable: ${JSON.stringify(text)}`);
  return { cache: gen, settings: settings.get().uploadRateLimit, token, problems };
}
