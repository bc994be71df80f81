import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { FolderOptions, FolderStatus } from '../../shared/contract';
import { rootOf } from './folders';
import type { Library } from './library/library';
import { SharedFolder, type SharedFolderOptions } from './shared-folder';

/**
 * The shared folders that are live right now, by resolved path. Keeps them in step with the
 * settings' folder list, and tells the engine when a folder's state changes and when the set of
 * offline folders (whose tracks are withheld) changes.
 */
export class FolderSet extends EventEmitter<{
  status: [];
  offline: [];
  /** `detail`: for the log file only (one line per skipped file), not the activity list. */
  log: [level: 'info' | 'warn' | 'detail', message: string];
}> {
  private readonly folders = new Map<string, SharedFolder>();

  constructor(
    private readonly library: Library,
    private readonly knobs: () => SharedFolderOptions,
  ) {
    super();
  }

  paths(): string[] {
    return [...this.folders.keys()];
  }

  all(): SharedFolder[] {
    return [...this.folders.values()];
  }

  /** True while any folder is scanning. */
  scanning(): boolean {
    for (const f of this.folders.values()) if (f.scanning) return true;
    return false;
  }

  /** The folder at `p`, or an error the user can read. */
  require(p: string): SharedFolder {
    const folder = this.folders.get(path.resolve(p));
    if (!folder) throw new Error(`${p} is not a shared folder.`);
    return folder;
  }

  /** The live folder holding `file`, if any. */
  holding(file: string): SharedFolder | undefined {
    const root = rootOf(this.folders.keys(), file);
    return root ? this.folders.get(root) : undefined;
  }

  /** Creates the runtime of a folder (not started). */
  add(options: FolderOptions): SharedFolder {
    const folder = new SharedFolder(options, this.library, this.knobs());
    let wasOffline = false;
    folder.on('status', () => {
      if (folder.offline !== wasOffline) {
        wasOffline = folder.offline;
        this.emit('offline');
      }
      this.emit('status');
    });
    folder.on('log', (level, message) => this.emit('log', level, message));
    this.folders.set(options.path, folder);
    return folder;
  }

  /** Stops a folder and forgets its tracks (entries and cache records). */
  async remove(p: string): Promise<void> {
    const folder = this.require(p);
    this.folders.delete(folder.path);
    await folder.close();
    this.library.removeRoot(folder.path);
    this.emit('status');
  }

  /** Reconciles with a folder list from settings: removes, adds (and starts) and updates. */
  async sync(wanted: readonly FolderOptions[]): Promise<void> {
    const keep = new Set(wanted.map((f) => f.path));
    for (const p of this.paths()) if (!keep.has(p)) await this.remove(p);
    for (const f of wanted) {
      const existing = this.folders.get(f.path);
      if (existing) existing.update(f);
      else void this.add(f).start();
    }
  }

  /** Roots whose tracks must not be published right now. */
  offlineRoots(): Set<string> {
    return new Set(
      this.all()
        .filter((f) => f.offline)
        .map((f) => f.path),
    );
  }

  /** Every folder's status, in order, each with the tracks an earlier folder holds too. */
  statuses(): FolderStatus[] {
    const folders = this.all();
    const roots = folders.map((f) => path.resolve(f.path));
    const duplicates = this.library.duplicates(roots);
    return folders.map((f, i) => {
      const d = duplicates.get(roots[i]!);
      return d ? { ...f.status(), duplicates: d } : f.status();
    });
  }

  startAll(): Promise<void[]> {
    return Promise.all(this.all().map((f) => f.start()));
  }

  rescanAll(): Promise<void[]> {
    return Promise.all(this.all().map((f) => f.rescan()));
  }

  idle(): Promise<void[]> {
    return Promise.all(this.all().map((f) => f.idle()));
  }

  closeAll(): Promise<void[]> {
    return Promise.all(this.all().map((f) => f.close()));
  }
}
