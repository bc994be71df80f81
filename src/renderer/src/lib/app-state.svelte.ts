/**
 * The window's live state: the engine snapshot kept current from pushed events, the link to the
 * engine, the throughput history and the current view. Components read it; commands go through
 * `run`, which turns failures into a message the user sees instead of an unhandled rejection.
 */
import type {
  ActivityEvent,
  CommandArgs,
  CommandName,
  CommandResult,
  ConnectionStatus,
  FolderStatus,
  Settings,
  Snapshot,
  TransferInfo,
  TransferTotals,
} from '../../../shared/contract';
import type { LinkState, Transport } from './transport';
import { addSample, uploadNow, type Sample } from './throughput';

/** The views of the window. */
export type View =
  | 'overview'
  | 'connect'
  | 'folders'
  | 'tracks'
  | 'activity'
  | 'nearby'
  | 'room'
  | 'diagnosis'
  | 'settings';

/** Keep at most this many activity entries in memory. */
const ACTIVITY_LIMIT = 200;

/** Owns the snapshot and its updates for the lifetime of the window. */
export class AppState {
  readonly transport: Transport;
  snapshot = $state.raw<Snapshot | undefined>(undefined);
  connection = $state.raw<ConnectionStatus | undefined>(undefined);
  folders = $state.raw<FolderStatus[]>([]);
  transfers = $state.raw<TransferInfo[]>([]);
  totals = $state.raw<TransferTotals | undefined>(undefined);
  settings = $state.raw<Settings | undefined>(undefined);
  activity = $state.raw<ActivityEvent[]>([]);
  samples = $state.raw<Sample[]>([]);
  link = $state.raw<LinkState>({ state: 'connecting' });
  #view = $state<View>('overview');
  /** The last failed command, in words; cleared by the user. */
  error = $state<string | undefined>(undefined);
  /** A passing confirmation ("Folder added"). */
  notice = $state<string | undefined>(undefined);
  /** A message for the Folders view after a drop (a file instead of a folder, or no path known). */
  folderHint = $state<{ text: string; offer?: string } | undefined>(undefined);
  /** Wall clock, ticking once a second, so "3 min ago" stays true. */
  now = $state(Date.now());
  #off: (() => void)[] = [];

  /** The current view. Changing it drops the passing notice, which belongs to the view it was given in. */
  get view(): View {
    return this.#view;
  }
  set view(next: View) {
    if (next === this.#view) return;
    this.#view = next;
    this.notice = undefined;
  }

  constructor(transport: Transport) {
    this.transport = transport;
    this.link = transport.link();
  }

  /** Subscribe to events, then load the snapshot (again after every reconnect). */
  async start(): Promise<void> {
    const { api } = this.transport;
    this.#off.push(
      api.on('connection', (c) => (this.connection = c)),
      api.on('folders', (f) => (this.folders = f)),
      api.on('settings', (s) => (this.settings = s)),
      api.on('activity', (e) => (this.activity = [...this.activity, e].slice(-ACTIVITY_LIMIT))),
      api.on('transfers', ({ transfers, totals }) => {
        this.transfers = transfers;
        this.totals = totals;
        this.samples = addSample(this.samples, { at: Date.now(), rate: uploadNow(totals) });
      }),
      this.transport.onLink((s) => {
        const wasDown = this.link.state !== 'ready';
        this.link = s;
        if (s.state === 'ready' && wasDown) void this.refresh();
      }),
    );
    const clock = setInterval(() => (this.now = Date.now()), 1000);
    this.#off.push(() => clearInterval(clock));
    await this.refresh();
  }

  /** Reload everything from the engine. */
  async refresh(): Promise<void> {
    const snap = await this.run('getSnapshot');
    if (!snap) return;
    this.snapshot = snap;
    this.connection = snap.connection;
    this.folders = snap.folders;
    this.transfers = snap.transfers;
    this.totals = snap.totals;
    this.samples = addSample(this.samples, { at: Date.now(), rate: uploadNow(snap.totals) });
    this.settings = snap.settings;
    this.activity = snap.activity.slice(-ACTIVITY_LIMIT);
    this.link = this.transport.link();
    if (snap.connection.state === 'not-configured' && this.view === 'overview')
      this.view = 'connect';
  }

  /** Run a command; on failure show its message and resolve undefined. */
  async run<K extends CommandName>(
    name: K,
    ...args: CommandArgs<K>
  ): Promise<CommandResult<K> | undefined> {
    try {
      return await this.transport.api.invoke(name, ...args);
    } catch (err) {
      // A refused or lost link is already explained by the banner; one message is enough.
      if (this.transport.link().state === 'ready') {
        this.error = err instanceof Error ? err.message : String(err);
      }
      return undefined;
    }
  }

  /** Share some folders; the engine starts scanning them at once. */
  async addFolders(paths: string[]): Promise<void> {
    const clean = paths.map((p) => p.trim()).filter((p, i, all) => p && all.indexOf(p) === i);
    if (clean.length === 0) return;
    const added = await this.run('addFolders', clean);
    if (added) {
      this.folderHint = undefined;
      this.tell(added.length === 1 ? `Added ${added[0]!.path}` : `Added ${added.length} folders`);
    }
  }

  /** Show a short confirmation that goes away by itself. */
  tell(message: string): void {
    this.notice = message;
    setTimeout(() => {
      if (this.notice === message) this.notice = undefined;
    }, 4000);
  }

  /** Unsubscribe everything (window teardown, tests). */
  stop(): void {
    for (const off of this.#off.splice(0)) off();
  }
}
