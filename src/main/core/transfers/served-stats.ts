/**
 * The statistics of one manager: the persistent counters (stats.ts) plus the live upload rate,
 * behind the few verbs the manager needs.
 */
import type { TransferKind, TransferTotals } from '../../../shared/contract';
import { createMeter, meterAdd, meterRate } from './rate';
import { addCompleted, addServedBytes, rollDay } from './stats';
import type { StatsState, TrackCounts } from './stats';
import { restoreTotals, serializeTotals } from './stats-store';
import type { StoredStats } from './stats-store';

/** Counters continued from `stored` (validated), on the clock `now`. */
export class ServedStats {
  private readonly state: StatsState;
  private readonly meter = createMeter();

  constructor(
    stored: unknown,
    private readonly now: () => number,
  ) {
    this.state = restoreTotals(stored, now());
  }

  /** `n` bytes of file data were written to the socket. */
  served(n: number): void {
    const now = this.now();
    addServedBytes(this.state, now, n);
    meterAdd(this.meter, now, n);
  }

  /** A transfer of `trackId` completed. */
  completed(kind: TransferKind, trackId: string): void {
    addCompleted(this.state, this.now(), kind, trackId);
  }

  /** The contract's totals, with the live counts the caller knows. */
  totals(active: number, queued: number): TransferTotals {
    const now = this.now();
    rollDay(this.state, now);
    const s = this.state;
    return {
      bytesToday: s.bytesToday,
      bytesAllTime: s.bytesAllTime,
      streamsToday: s.streamsToday,
      downloadsToday: s.downloadsToday,
      rate: Math.round(meterRate(this.meter, now)),
      active,
      queued,
    };
  }

  /** Plays and downloads per track id (a copy). */
  counts(): Map<string, TrackCounts> {
    return new Map([...this.state.counts].map(([id, c]) => [id, { ...c }]));
  }

  /** The JSON-safe form to persist. */
  stored(): StoredStats {
    rollDay(this.state, this.now());
    return serializeTotals(this.state);
  }
}
