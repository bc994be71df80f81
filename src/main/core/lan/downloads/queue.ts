/**
 * The download queue: tracks, or a whole album or folder given as a list of (peer, track id,
 * relative path), fetched into a chosen folder with at most `perPeer` at once from each peer.
 * Events out (`change` on every state change, `progress` at most 4 times a second per download,
 * `problem` when the list cannot be saved), verbs in (add, pause, resume, cancel). With a
 * `stateFile`, the list survives a restart, and each file resumes from its own sidecar.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fetchTrack } from './fetch-track';
import { isPeerUrl, isTrackId, loadDownloads, saveDownloads, toStored } from './queue-store';
import { prepareDestination, sanitizeRelPath } from './safe-path';
import { removePart } from './sidecar';
import type { DownloadQueueOptions, DownloadRequest, DownloadStatus } from './queue-types';

export type {
  DownloadQueueOptions,
  DownloadRequest,
  DownloadState,
  DownloadStatus,
} from './queue-types';

type Events = { change: [DownloadStatus]; progress: [DownloadStatus]; problem: [string] };
type StopReason = 'pause' | 'cancel' | 'close';

/** The queue; create with `DownloadQueue.open`. */
export class DownloadQueue extends EventEmitter<Events> {
  private readonly items = new Map<string, DownloadStatus>();
  private readonly running = new Map<string, { ctrl: AbortController; done: Promise<void> }>();
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly o: DownloadQueueOptions) {
    super();
  }

  /** A queue that carries on with the downloads remembered in `stateFile`. */
  static async open(o: DownloadQueueOptions): Promise<DownloadQueue> {
    const q = new DownloadQueue(o);
    for (const s of o.stateFile ? await loadDownloads(o.stateFile) : [])
      q.items.set(s.key, { ...s, received: 0, size: 0, fetched: 0 });
    q.pump();
    return q;
  }

  /** Queues `requests` into `destDir`; a track already queued there is not added twice. */
  add(destDir: string, requests: DownloadRequest[]): DownloadStatus[] {
    const dir = path.resolve(destDir);
    // All or nothing: a bad entry in an album's list adds none of it.
    for (const r of requests) {
      if (!isPeerUrl(r.peer)) throw new TypeError(`Not a peer address: ${r.peer}`);
      if (!isTrackId(r.trackId)) throw new TypeError(`Not a track id: ${r.trackId}`);
    }
    const out: DownloadStatus[] = [];
    for (const r of requests) {
      const same = [...this.items.values()].find(
        (s) => s.destDir === dir && s.trackId === r.trackId && s.relPath === r.relPath,
      );
      if (same && same.state !== 'done' && same.state !== 'cancelled') {
        out.push({ ...same });
        continue;
      }
      const s: DownloadStatus = {
        ...r,
        peer: r.peer.replace(/\/+$/, ''),
        key: randomUUID(),
        destDir: dir,
        state: 'queued',
        received: 0,
        size: 0,
        fetched: 0,
      };
      this.items.set(s.key, s);
      this.emit('change', { ...s });
      out.push({ ...s });
    }
    this.save();
    this.pump();
    return out;
  }

  /** Every download this queue knows, in the order added. */
  list(): DownloadStatus[] {
    return [...this.items.values()].map((s) => ({ ...s }));
  }

  /** Stops a download and keeps its part for later. */
  pause(key: string): void {
    const s = this.items.get(key);
    if (!s || (s.state !== 'queued' && s.state !== 'active')) return;
    if (s.state === 'active') return this.running.get(key)?.ctrl.abort('pause');
    this.set(s, { state: 'paused' });
  }

  /** Queues a paused or failed download again; it resumes from its part. */
  resume(key: string): void {
    const s = this.items.get(key);
    if (!s || (s.state !== 'paused' && s.state !== 'failed')) return;
    this.set(s, { state: 'queued', error: undefined });
    this.pump();
  }

  /** Stops a download and deletes its part and sidecar. */
  async cancel(key: string): Promise<void> {
    const s = this.items.get(key);
    if (!s || s.state === 'done' || s.state === 'cancelled') return;
    const run = this.running.get(key);
    if (run) {
      run.ctrl.abort('cancel');
      return run.done;
    }
    await removePart(this.destOf(s)).catch(() => undefined);
    this.set(s, { state: 'cancelled' });
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
    await this.saving;
  }

  /** Stops every download (parts kept, still queued for next time) and saves the list. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running.values()) r.ctrl.abort('close');
    await Promise.all([...this.running.values()].map((r) => r.done));
    this.save();
    await this.saving;
  }

  /** Starts queued downloads while their peers have room. */
  private pump(): void {
    if (this.closed) return;
    const perPeer = this.o.perPeer ?? 2;
    const busy = new Map<string, number>();
    // Two tracks given the same path would share one .part: the second waits for the first.
    const writing = new Set<string>();
    for (const key of this.running.keys()) {
      const s = this.items.get(key) as DownloadStatus;
      busy.set(originOf(s.peer), (busy.get(originOf(s.peer)) ?? 0) + 1);
      writing.add(this.destKey(s));
    }
    for (const s of this.items.values()) {
      if (s.state !== 'queued') continue;
      const peer = originOf(s.peer);
      if ((busy.get(peer) ?? 0) >= perPeer || writing.has(this.destKey(s))) continue;
      busy.set(peer, (busy.get(peer) ?? 0) + 1);
      writing.add(this.destKey(s));
      this.start(s);
    }
  }

  private start(s: DownloadStatus): void {
    const ctrl = new AbortController();
    this.set(s, { state: 'active', error: undefined });
    const done = this.run(s, ctrl.signal).finally(() => {
      this.running.delete(s.key);
      this.pump();
    });
    this.running.set(s.key, { ctrl, done });
  }

  private async run(s: DownloadStatus, signal: AbortSignal): Promise<void> {
    let lastEmit = 0;
    try {
      const dest = await prepareDestination(s.destDir, sanitizeRelPath(s.relPath));
      const r = await fetchTrack(
        { url: `${s.peer}/track/${s.trackId}`, trackId: s.trackId, dest },
        {
          ...this.o.tuning,
          fetch: this.o.transport(s.peer),
          signal,
          onProgress: (p) => {
            Object.assign(s, { received: p.received, size: p.size });
            if (Date.now() - lastEmit < 250) return;
            lastEmit = Date.now();
            this.emit('progress', { ...s });
          },
          onRetry: (err) => this.set(s, { error: err.message }),
        },
      );
      s.fetched += r.fetched;
      this.set(s, {
        state: 'done',
        file: r.file,
        received: r.size,
        size: r.size,
        error: undefined,
      });
    } catch (err) {
      const why = signal.aborted ? (signal.reason as StopReason) : undefined;
      if (why === 'cancel') {
        await removePart(this.destOf(s)).catch(() => undefined);
        this.set(s, { state: 'cancelled' });
      } else if (why === 'pause') this.set(s, { state: 'paused' });
      else if (why === 'close') this.set(s, { state: 'queued' });
      else this.set(s, { state: 'failed', error: (err as Error).message });
    }
  }

  /** The part's path, or the raw path when it is refused (that download fails on its own). */
  private destKey(s: DownloadStatus): string {
    try {
      return this.destOf(s);
    } catch {
      return `${s.destDir}\0${s.relPath}`;
    }
  }

  /** The destination before any "(2)": where the part lives. */
  private destOf(s: DownloadStatus): string {
    return path.join(s.destDir, ...sanitizeRelPath(s.relPath));
  }

  private set(s: DownloadStatus, patch: Partial<DownloadStatus>): void {
    Object.assign(s, patch);
    this.emit('change', { ...s });
    this.save();
  }

  /** Saves the list, one write at a time; a failure is told (`problem`), the downloads go on. */
  private save(): void {
    const file = this.o.stateFile;
    if (!file) return;
    const list = toStored([...this.items.values()]);
    this.saving = this.saving
      .then(() => saveDownloads(file, list))
      .catch(
        (err: Error) => void this.emit('problem', `Cannot save the download list: ${err.message}`),
      );
  }
}

function originOf(peer: string): string {
  return new URL(peer).origin;
}
