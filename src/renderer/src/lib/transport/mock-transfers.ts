/**
 * Simulated listeners for the mock engine: transfers start, tick forward once a second with a
 * plausible rate, finish, and feed the totals, like the engine's `transfers` event.
 */
import type { TrackInfo, TransferInfo, TransferTotals } from '../../../../shared/contract';

/** A running simulation over a track list (read through `tracks()` so removals are respected). */
export class TransferSim {
  transfers: TransferInfo[] = [];
  totals: TransferTotals = {
    bytesToday: 3_214_000_000,
    bytesAllTime: 412_800_000_000,
    streamsToday: 128,
    downloadsToday: 9,
    rate: 0,
    active: 0,
    queued: 0,
  };
  #seq = 0;
  #r: () => number;
  #tracks: () => readonly TrackInfo[];

  constructor(random: () => number, tracks: () => readonly TrackInfo[]) {
    this.#r = random;
    this.#tracks = tracks;
  }

  /** Two listeners already mid-track, so the first screen is not empty. */
  seed(): void {
    for (const age of [95, 20]) {
      const t = this.#start();
      if (!t) return;
      t.kind = 'stream';
      t.startedAt -= age * 1000;
      t.rate = 320_000;
      t.bytesSent = Math.min(Math.round(t.totalBytes * 0.8), age * t.rate);
    }
    this.totals.active = this.transfers.length;
    this.totals.rate = 640_000;
  }

  /** Advance one second; returns the `transfers` event payload. */
  tick(maxConcurrent: number): { transfers: TransferInfo[]; totals: TransferTotals } {
    const at = Date.now();
    const r = this.#r;
    const totals = this.totals;
    this.transfers = this.transfers.filter(
      (t) => t.state === 'active' || at - (t.endedAt ?? at) < 8000,
    );
    const active = () => this.transfers.filter((t) => t.state === 'active').length;
    if (active() < Math.min(maxConcurrent, 3) && r() < 0.5) this.#start();
    let rate = 0;
    for (const t of this.transfers) {
      if (t.state !== 'active') continue;
      t.rate = Math.round((t.kind === 'download' ? 2_400_000 : 320_000) * (0.6 + r() * 0.8));
      t.bytesSent = Math.min(t.totalBytes, t.bytesSent + t.rate);
      totals.bytesToday += t.rate;
      totals.bytesAllTime += t.rate;
      rate += t.rate;
      if (t.bytesSent >= t.totalBytes) {
        t.state = 'done';
        t.endedAt = at;
        if (t.kind === 'stream') totals.streamsToday++;
        else totals.downloadsToday++;
      }
    }
    totals.rate = rate;
    totals.active = active();
    return { transfers: this.transfers.map((t) => ({ ...t })), totals: { ...totals } };
  }

  #start(): TransferInfo | undefined {
    const list = this.#tracks();
    const t = list[Math.floor(this.#r() * list.length)];
    if (!t) return undefined;
    const info: TransferInfo = {
      requestId: `req-${++this.#seq}`,
      trackId: t.id,
      title: `${t.artist} – ${t.title}`,
      kind: this.#r() < 0.2 && t.allowDownload ? 'download' : 'stream',
      state: 'active',
      bytesSent: 0,
      totalBytes: t.fileSizeBytes,
      rate: 0,
      startedAt: Date.now(),
    };
    this.transfers.push(info);
    return info;
  }
}
