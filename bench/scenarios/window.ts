import { EMPTY_QUERY, filterTracks } from '../../src/renderer/src/lib/tracks';
import { sortTracks } from '../../src/renderer/src/lib/track-sort';
import { mockTracks } from '../../src/renderer/src/lib/transport/mock-data';
import type { BenchContext } from '../lib/context';

/**
 * The window's track list: sort 50,000 tracks by a column and filter the sorted list by text, the
 * work behind one click on a header or one keystroke in the filter. Plain functions of the
 * renderer's lib, timed in this process (no DOM: rendering is virtualized to a few dozen rows).
 */
export async function windowList(ctx: BenchContext): Promise<void> {
  const lib = mockTracks(50_000);
  const keys = new Map<string, string>();
  const runs = ctx.config.quick ? 3 : 10;
  for (const key of ['title', 'size', 'album'] as const) {
    const values: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const sorted = sortTracks(lib, { key, dir: i % 2 === 0 ? 'desc' : 'asc' });
      filterTracks(sorted, { ...EMPTY_QUERY, text: 'night' }, keys);
      values.push(performance.now() - t0);
      await new Promise((r) => setImmediate(r));
    }
    ctx.add({
      key: `window.sort.${key}`,
      measures: `50,000 tracks in the window: sort by ${key}, then filter by text (one header click or keystroke)`,
      unit: 'ms',
      values,
      target: 'responsive (no number in the issue; UI.md)',
    });
  }
}
