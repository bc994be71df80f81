/**
 * Cover thumbnails, made on request and kept: the window asks for a track id, the store finds the
 * file, reads its picture (cover-source.ts), shrinks it with the host's resizer and caches the
 * result on disk as `<dir>/<id>.img`, keyed by the track's content id. "No cover" is remembered
 * too (`<id>.none`). Nothing here runs during a scan: covers cost nothing until someone looks.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import { silentLogger, type Logger } from '../logger';
import {
  embeddedPicture,
  sidecarPicture,
  sniffImage,
  type ImageType,
  type Picture,
} from './cover-source';
import { lifoLimit } from './lifo-limit';

/** A cover ready to send. */
export interface Cover {
  data: Buffer;
  type: ImageType;
}

/** What a request for one track's cover gets: the cover, none (a placeholder), or an unknown id. */
export type CoverAnswer =
  { status: 'cover'; cover: Cover } | { status: 'none' } | { status: 'unknown' };

/**
 * Shrinks a picture to a `size`×`size` JPEG (Electron: nativeImage). Resolves undefined when the
 * bytes do not decode. Injected, because core never imports electron.
 */
export type CoverResizer = (picture: Buffer, size: number) => Promise<Buffer | undefined>;

export interface CoverStoreOptions {
  /** The cache folder (the state dir's `covers/`). */
  dir: string;
  /** The file of a shared, reachable track, or undefined (unknown id, folder offline). */
  locate: (id: string) => string | undefined;
  /** Without one (headless), pictures are served as they are, up to `maxOriginalBytes`. */
  resize?: CoverResizer;
  /** Thumbnail edge in pixels: 2x the largest cover the window draws (48 px). */
  size?: number;
  /** Pictures read and resized at once. */
  concurrency?: number;
  maxOriginalBytes?: number;
  /** Bound on reading one file's tags. */
  timeoutMs?: number;
  log?: Logger;
}

const TRACK_ID = /^[0-9a-f]{32}$/;
/** Pictures remembered by content key, so an album's tracks share one resize. */
const MEMO_LIMIT = 32;

/** True for a well-formed track id (32 lowercase hex characters): nothing else reaches the disk. */
export function isTrackId(id: string): boolean {
  return TRACK_ID.test(id);
}

/** Makes, caches and serves cover thumbnails; one per engine. */
export class CoverStore {
  readonly #o: Required<Omit<CoverStoreOptions, 'resize'>> & Pick<CoverStoreOptions, 'resize'>;
  readonly #pending = new Map<string, Promise<CoverAnswer>>();
  readonly #memo = new Map<string, Promise<Cover | undefined>>();
  readonly #limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Audio files whose picture was looked for (tests: a warm cache reads none). */
  extractions = 0;

  constructor(opts: CoverStoreOptions) {
    this.#o = {
      size: 96,
      concurrency: 2,
      maxOriginalBytes: 1024 * 1024,
      timeoutMs: 10_000,
      log: silentLogger,
      ...opts,
    };
    this.#limit = lifoLimit(this.#o.concurrency);
  }

  /** The cover of track `id`. Concurrent requests for one id share one read; never rejects. */
  get(id: string): Promise<CoverAnswer> {
    const file = isTrackId(id) ? this.#o.locate(id) : undefined;
    if (!file) return Promise.resolve({ status: 'unknown' });
    let answer = this.#pending.get(id);
    if (!answer) {
      answer = this.#load(id, file)
        .catch((err: Error): CoverAnswer => {
          this.#o.log.warn(`Cover of ${file}: ${err.message}`);
          return { status: 'none' };
        })
        .finally(() => this.#pending.delete(id));
      this.#pending.set(id, answer);
    }
    return answer;
  }

  async #load(id: string, file: string): Promise<CoverAnswer> {
    const cached = await this.#cached(id, file);
    // The newest request goes first: rows in view now matter more than rows scrolled past.
    return cached ?? this.#limit(() => this.#extract(id, file));
  }

  #path(id: string, ext: 'img' | 'none'): string {
    return path.join(this.#o.dir, `${id}.${ext}`);
  }

  async #cached(id: string, file: string): Promise<CoverAnswer | undefined> {
    const data = await readFile(this.#path(id, 'img')).catch(() => undefined);
    const type = data && sniffImage(data);
    if (data && type) return { status: 'cover', cover: { data, type } };
    const none = await readFile(this.#path(id, 'none'), 'utf8').catch(() => undefined);
    if (none === undefined) return undefined;
    // "No cover" holds while the folder is unchanged: a cover.jpg added later is found.
    return savedMtime(none) === (await dirMtime(file)) ? { status: 'none' } : undefined;
  }

  async #extract(id: string, file: string): Promise<CoverAnswer> {
    this.extractions++;
    const dirMtimeMs = await dirMtime(file);
    let picture: Picture | undefined;
    try {
      picture = (await this.#embedded(file)) ?? (await sidecarPicture(file));
    } catch (err) {
      // A file that cannot be opened now (moved, no permission) may work later: not remembered.
      if ((err as NodeJS.ErrnoException).code) throw err;
      picture = await sidecarPicture(file); // tags that do not parse: look beside the file
    }
    const cover = picture && (await this.#thumbnail(picture));
    if (!cover) {
      await this.#write(this.#path(id, 'none'), JSON.stringify({ dirMtimeMs }));
      return { status: 'none' };
    }
    await this.#write(this.#path(id, 'img'), cover.data);
    return { status: 'cover', cover };
  }

  async #embedded(file: string): Promise<Picture | undefined> {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new Error(`reading tags took over ${this.#o.timeoutMs / 1000} s`));
      }, this.#o.timeoutMs);
    });
    try {
      return await Promise.race([embeddedPicture(file, ac.signal), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  #thumbnail(picture: Picture): Promise<Cover | undefined> {
    // Without a resizer there is nothing to share but the bytes, which the memo would only hold.
    if (!this.#o.resize) return this.#shrink(picture);
    let made = this.#memo.get(picture.key);
    if (!made) {
      made = this.#shrink(picture);
      this.#memo.set(picture.key, made);
      if (this.#memo.size > MEMO_LIMIT) this.#memo.delete(this.#memo.keys().next().value!);
    }
    return made;
  }

  async #shrink(picture: Picture): Promise<Cover | undefined> {
    const { resize, size, maxOriginalBytes } = this.#o;
    if (!resize) {
      // Headless: no image decoder in plain Node, so the original goes out, if it is small enough.
      return picture.data.length <= maxOriginalBytes ? picture : undefined;
    }
    const data = await resize(picture.data, size).catch(() => undefined);
    const type = data && sniffImage(data);
    return data && type ? { data, type } : undefined;
  }

  async #write(file: string, data: string | Buffer): Promise<void> {
    // The cache is a convenience: a full disk costs a re-read next time, not the answer now.
    await writeFileAtomic(file, data).catch((err: Error) =>
      this.#o.log.warn(`Could not cache a cover: ${err.message}`),
    );
  }
}

async function dirMtime(file: string): Promise<number> {
  return (await stat(path.dirname(file)).catch(() => undefined))?.mtimeMs ?? 0;
}

/** The folder mtime a `.none` marker was written with; NaN for a damaged marker (then retried). */
function savedMtime(marker: string): number {
  try {
    return Number((JSON.parse(marker) as { dirMtimeMs?: unknown }).dirMtimeMs);
  } catch {
    return NaN;
  }
}
