import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mayHoldVideo } from './file-kinds';
import { decodeUndeclared } from './tag-text';
import { EventEmitter } from 'node:events';
import { writeFileAtomic } from '../fs/atomic-write';
import { describeSaveError } from '../fs/fs-errors';
import { openSealed, sealJson } from '../fs/sealed-json';
import type { FileStamp, ParsedTrack } from './read-track';

/** What the cache remembers about one file version: its parsed track, or why it was skipped. */
export interface CacheRecord extends FileStamp {
  track?: ParsedTrack;
  skip?: string;
}

/**
 * Version 2 checks containers for video and words parse failures for musicians; version 3 names
 * formats by codec (browser-play.ts) and publishes audio behind damaged tags. Older files are still
 * read, less the records the newer rules would decide otherwise (re-read once).
 */
const FILE_VERSION = 3;
const DEFAULT_DEBOUNCE_MS = 2000;
/** Characters per chunk of a save: few writes, yet small enough (even as UTF-16) to die young in V8. */
const CHUNK_CHARS = 16 * 1024;
/**
 * Records per millisecond of save delay: each save writes every record, so saves of a big cache
 * are spaced out (10 s at 20k records), up to MAX_SAVE_DELAY_MS. A crash loses at most that much
 * parsing; a normal quit saves at once.
 */
const RECORDS_PER_MS = 2;
const MAX_SAVE_DELAY_MS = 30_000;
/** After a background save failed (a full or read-only disk), the next try, changes or not. */
const DEFAULT_RETRY_MS = 60_000;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isOptStr = (v: unknown) => v === undefined || isStr(v);

/** Validate one record read from disk (the file is ours, but may be truncated or hand-edited). */
export function isCacheRecord(v: unknown): v is CacheRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (!isNum(r.size) || !isNum(r.mtimeMs) || !isNum(r.dev) || !isNum(r.ino)) return false;
  if (r.skip !== undefined) return isStr(r.skip) && r.track === undefined;
  const t = r.track as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null) return false;
  return (
    isStr(t.id) &&
    /^[0-9a-f]{16,64}$/.test(t.id) &&
    isStr(t.title) &&
    t.title !== '' &&
    isStr(t.mimeType) &&
    isStr(t.format) &&
    isOptStr(t.artist) &&
    isOptStr(t.album) &&
    isOptStr(t.note) &&
    (t.duration === undefined || (isNum(t.duration) && t.duration > 0))
  );
}

/** Entries in the interner before it starts over (bounds it; repeats within a library share anyway). */
const INTERN_LIMIT = 20_000;

/**
 * One copy of strings that many records repeat: MIME types and formats (a worker's reply brings a
 * fresh copy of each with every file), artist and album names. Cleared when it grows past
 * INTERN_LIMIT, so names of tracks long gone are not held forever.
 */
class Interner {
  private readonly strings = new Map<string, string>();
  get(s: string): string;
  get(s: string | undefined): string | undefined;
  get(s: string | undefined): string | undefined {
    if (s === undefined) return undefined;
    const held = this.strings.get(s);
    if (held !== undefined) return held;
    if (this.strings.size >= INTERN_LIMIT) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }
}

/**
 * `n` as a small integer when it is one: V8 then stores it in the object itself, where a number
 * that arrived as a double (fs.Stats fields do) costs a 16-byte box per field. Three such fields
 * per record and per entry were about 100 bytes a file. Other values are kept as they are.
 */
export function smallInt(n: number): number {
  return n >= 0 && n <= 0x3fffffff && Number.isInteger(n) ? n | 0 : n;
}

/**
 * A record as stored: always the same fields in the same order, so V8 gives every record one
 * hidden class (a record made by spreading a worker's reply got a hidden class of its own: some
 * 200 bytes per file), with shared strings.
 */
function compactRecord(r: CacheRecord, intern: Interner): CacheRecord {
  const t = r.track;
  return {
    size: smallInt(r.size),
    mtimeMs: r.mtimeMs,
    dev: smallInt(r.dev),
    ino: smallInt(r.ino),
    track: t && {
      id: t.id,
      title: t.title,
      artist: intern.get(t.artist),
      album: intern.get(t.album),
      duration: t.duration,
      mimeType: intern.get(t.mimeType),
      format: intern.get(t.format),
      note: t.note,
    },
    skip: r.skip,
  };
}

/**
 * Records by inode: the path of each file version, to find a renamed or moved file. Keyed by the
 * inode number (a small integer V8 stores without allocating, where a string key of dev, inode,
 * size and mtime cost some 60 bytes per file); the rare inode numbers shared across devices or
 * versions hold an array of paths.
 */
class InodeIndex {
  private readonly paths = new Map<number, string | string[]>();

  add(ino: number, p: string): void {
    const held = this.paths.get(ino);
    if (held === undefined) this.paths.set(ino, p);
    else if (Array.isArray(held)) {
      if (!held.includes(p)) held.push(p);
    } else if (held !== p) this.paths.set(ino, [held, p]);
  }

  delete(ino: number, p: string): void {
    const held = this.paths.get(ino);
    if (held === p) this.paths.delete(ino);
    else if (Array.isArray(held)) {
      const rest = held.filter((x) => x !== p);
      this.paths.set(ino, rest.length === 1 ? (rest[0] as string) : rest);
    }
  }

  /** Paths recorded with this inode number (any device, size or mtime: the caller checks). */
  get(ino: number): readonly string[] {
    const held = this.paths.get(ino);
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }
}

const sameVersion = (a: FileStamp, b: FileStamp) =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

/**
 * The persistent scan cache: absolute path → stamp + parsed result (or skip reason), in one JSON file.
 * A restart re-parses only files whose size or mtime changed; a renamed or moved file (same
 * dev+ino+size+mtime under another path) is found by `lookup` too. A corrupt or unreadable file is
 * discarded with a warning (in `warnings`; failed background saves also emit 'warning'), never an
 * exception. Writes are atomic and sealed with a checksum (a changed byte discards the file with
 * a warning); `scheduleSave()` coalesces bursts, `save()` writes now (then 'saved'). A background
 * save that fails is said once and retried every `retryMs` until one succeeds.
 */
export class ScanCache extends EventEmitter<{ warning: [message: string]; saved: [] }> {
  /** Warnings raised while loading (e.g. a corrupt cache was discarded). */
  readonly warnings: string[] = [];
  private readonly records = new Map<string, CacheRecord>();
  private readonly byInode = new InodeIndex();
  /** Records per device number: a file on a device with none cannot be a known file moved. */
  private readonly devices = new Map<number, number>();
  private readonly intern = new Interner();
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  /** The last background save failed (said once; cleared by the next save that succeeds). */
  private saveFailed = false;

  private constructor(
    readonly file: string,
    private readonly debounceMs: number,
    private readonly retryMs = DEFAULT_RETRY_MS,
  ) {
    super();
  }

  /** Open (and load) the cache stored in `file`; a missing file is an empty cache. */
  static async open(
    file: string,
    opts: { debounceMs?: number; retryMs?: number } = {},
  ): Promise<ScanCache> {
    const cache = new ScanCache(
      path.resolve(file),
      opts.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      opts.retryMs,
    );
    await cache.load();
    return cache;
  }

  /** An empty cache that is never written (tests, or when no state dir is available). */
  static inMemory(): ScanCache {
    return new ScanCache('', DEFAULT_DEBOUNCE_MS);
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.warn(
        `Scan cache ${this.file} could not be read (${(err as Error).message}); starting a fresh scan.`,
      );
      return;
    }
    const opened = openSealed(text);
    if (!opened.intact) {
      this.warn(
        `Scan cache ${this.file} is damaged (its checksum does not match); it was discarded and folders will be rescanned.`,
      );
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(opened.json);
    } catch {
      this.warn(
        `Scan cache ${this.file} is corrupt; it was discarded and folders will be rescanned.`,
      );
      return;
    }
    const d = data as { version?: unknown; records?: unknown };
    if (
      typeof d !== 'object' ||
      d === null ||
      (d.version !== FILE_VERSION && d.version !== 1 && d.version !== 2) ||
      typeof d.records !== 'object' ||
      d.records === null
    ) {
      this.warn(
        `Scan cache ${this.file} has an unknown format; it was discarded and folders will be rescanned.`,
      );
      return;
    }
    let bad = 0;
    const v1 = d.version === 1;
    const v2 = d.version === 2;
    for (const [p, r] of Object.entries(d.records as Record<string, unknown>)) {
      if (!isCacheRecord(r) || !path.isAbsolute(p)) bad++;
      else if (!(v1 && outdatedByV2(p, r)) && !((v1 || v2) && outdatedByV3(r))) this.put(p, r);
    }
    if (bad > 0)
      this.warn(
        `Scan cache ${this.file}: ${bad} damaged record(s) dropped; those files will be re-read.`,
      );
  }

  /** Load-time warnings only land in `warnings` (no listener can exist yet); later ones are also emitted. */
  private warn(message: string, emit = false): void {
    this.warnings.push(message);
    if (emit) this.emit('warning', message);
  }

  private put(p: string, r: CacheRecord): CacheRecord {
    const old = this.records.get(p);
    if (old) this.forget(p, old);
    const stored = compactRecord(r, this.intern);
    this.records.set(p, stored);
    this.byInode.add(r.ino, p);
    this.devices.set(r.dev, (this.devices.get(r.dev) ?? 0) + 1);
    return stored;
  }

  private forget(p: string, old: CacheRecord): void {
    this.byInode.delete(old.ino, p);
    const n = (this.devices.get(old.dev) ?? 1) - 1;
    if (n > 0) this.devices.set(old.dev, n);
    else this.devices.delete(old.dev);
  }

  /** True when some record is of a file on device `dev` (see `stat().dev`). */
  hasDevice(dev: number): boolean {
    return this.devices.has(dev);
  }

  /** Number of records. */
  get size(): number {
    return this.records.size;
  }

  /** The record for `filePath`, whatever its stamp. */
  get(filePath: string): CacheRecord | undefined {
    return this.records.get(filePath);
  }

  /**
   * The cached result for this file version: the record at `filePath` if size and mtime match, else
   * a record of the same inode, size and mtime under another path (a rename or move). Undefined means
   * the file must be read.
   */
  lookup(filePath: string, stamp: FileStamp): CacheRecord | undefined {
    const r = this.records.get(filePath);
    if (r && r.size === stamp.size && r.mtimeMs === stamp.mtimeMs) return r;
    const other = this.pathOf(stamp);
    return other === undefined ? undefined : this.records.get(other);
  }

  /**
   * The path this file version (same device, inode, size and mtime) was last recorded under, if
   * any; the most recently recorded one when several paths match (hard links).
   */
  pathOf(stamp: FileStamp): string | undefined {
    const paths = this.byInode.get(stamp.ino);
    for (let i = paths.length - 1; i >= 0; i--) {
      const p = paths[i] as string;
      const r = this.records.get(p);
      if (r && sameVersion(r, stamp)) return p;
    }
    return undefined;
  }

  /**
   * Remember the result for a file version; call `scheduleSave()` after a batch. Returns the record
   * as stored (a compact copy: build index entries from it, so they share its strings).
   */
  set(filePath: string, record: CacheRecord): CacheRecord {
    this.dirty = true;
    return this.put(filePath, record);
  }

  /** Forget one file. */
  delete(filePath: string): void {
    const old = this.records.get(filePath);
    if (!old) return;
    this.forget(filePath, old);
    this.records.delete(filePath);
    this.dirty = true;
  }

  /** All records whose path is `root` or inside it. */
  under(root: string): [string, CacheRecord][] {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    return [...this.records].filter(([p]) => p === root || p.startsWith(prefix));
  }

  /**
   * Save after a quiet period; repeated calls within it coalesce into one write. The period grows
   * with the cache (1 s per 2k records beyond the debounce, at most 30 s): each save writes every
   * record, and a 20k scan wrote its cache six times over.
   */
  scheduleSave(): void {
    if (!this.file || this.timer) return;
    const delay = Math.max(
      this.debounceMs,
      Math.min(MAX_SAVE_DELAY_MS, Math.round(this.records.size / RECORDS_PER_MS)),
    );
    this.arm(delay);
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save().catch((err: Error) => this.onSaveError(err));
    }, delay);
    this.timer.unref?.();
  }

  /** A background save failed: say so once (not at every retry), and try again later. */
  private onSaveError(err: Error): void {
    if (!this.saveFailed)
      this.warn(
        `Scan cache ${this.file} could not be saved (${describeSaveError(err)}); retrying every ${Math.round(this.retryMs / 1000)} s.`,
        true,
      );
    this.saveFailed = true;
    if (!this.timer) this.arm(this.retryMs);
  }

  /** Write the cache now if anything changed (atomic: temp file, fsync, rename). */
  save(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Chain writes so two saves never race on the same temp/target.
    this.saving = this.saving.catch(() => undefined).then(() => this.writeNow());
    return this.saving;
  }

  private async writeNow(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    try {
      await writeFileAtomic(this.file, sealJson(this.chunks()));
      this.saveFailed = false;
      this.emit('saved');
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /**
   * The file's JSON (`{"version":3,"records":{path: record, ...}`, sealed by `sealJson`) in chunks
   * of about CHUNK_CHARS, produced as the writer asks for them. One string of the whole cache
   * would be tens of MiB at 100k tracks (twice that for non-Latin-1 names), and V8 keeps such
   * garbage around. Records changed while a write is under way may or may not make it in; they
   * mark the cache dirty again.
   */
  private *chunks(): Generator<string> {
    let chunk = `{"version":${FILE_VERSION},"records":{`;
    let first = true;
    for (const [p, r] of this.records) {
      chunk += `${first ? '' : ','}${JSON.stringify(p)}:${JSON.stringify(r)}`;
      first = false;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    yield `${chunk}}`;
  }

  /** Flush pending changes and stop the debounce timer (shutdown). */
  async close(): Promise<void> {
    await this.save();
  }
}

/**
 * A version 1 record that version 2 would decide otherwise: parser jargon, a container not checked
 * for video, or text that reads as UTF-8 or Windows-1252 decoded one byte per character.
 */
function outdatedByV2(p: string, r: CacheRecord): boolean {
  if (r.skip !== undefined) return r.skip.startsWith('could not read tags:');
  const t = r.track;
  const misread = [t?.title, t?.artist, t?.album].some(
    (s) => s !== undefined && decodeUndeclared(s) !== s,
  );
  return misread || mayHoldVideo(p);
}

/** Formats whose files version 3 may name otherwise (ALAC in M4A, Speex in Ogg, WAV codecs…). */
const CODEC_DEPENDENT = new Set(['m4a', 'ogg', 'wav', 'mka', 'webm', 'aac']);

/**
 * An older record that version 3 would decide otherwise: a skip (its audio may now be salvaged)
 * or a format that depends on the codec, which older versions named by the extension.
 */
function outdatedByV3(r: CacheRecord): boolean {
  return r.skip !== undefined || CODEC_DEPENDENT.has(r.track?.format ?? '');
}
