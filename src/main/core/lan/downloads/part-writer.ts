/**
 * Writes a download into its `.part` at fixed positions and records progress in the sidecar.
 * Positional writes (not append) make a repeated range harmless; the order "fsync the part, then
 * rewrite the sidecar" keeps the sidecar's `confirmed` at or below what a crash leaves on disk.
 */
import type { FileHandle } from 'node:fs/promises';
import { describeSaveError } from '../../fs/fs-errors';
import { writeSidecar, type Sidecar } from './sidecar';
import { DownloadError } from './transport';

/** Bytes gathered before one write call (fewer, larger writes). */
const WRITE_BYTES = 1024 * 1024;

/** When progress is made durable: after this many bytes or this long, whichever comes first. */
export interface CommitPolicy {
  commitBytes: number;
  commitMs: number;
}

/** Defaults: at most 2 MiB, or 2 s, is fetched again after a crash (issue 13: < 8 MiB). */
export const DEFAULT_COMMIT: CommitPolicy = { commitBytes: 2 * 1024 * 1024, commitMs: 2000 };

/** A positional writer for one response body, starting at `sidecar.confirmed`. */
export class PartWriter {
  private readonly buf = Buffer.allocUnsafe(WRITE_BYTES);
  private fill = 0;
  /** Next file position of `buf[0]`. */
  private pos: number;
  private lastCommit = Date.now();

  constructor(
    private readonly fh: FileHandle,
    private readonly sidecarFile: string,
    private readonly sidecar: Sidecar,
    private readonly policy: CommitPolicy,
    private readonly onWrite: (written: number, confirmed: number) => void,
  ) {
    this.pos = sidecar.confirmed;
  }

  /** Bytes of the file known so far (written or buffered). */
  get received(): number {
    return this.pos + this.fill;
  }

  /** Appends one chunk of the body; refuses more bytes than the file's size. */
  async push(chunk: Uint8Array): Promise<void> {
    if (this.received + chunk.byteLength > this.sidecar.size)
      throw new DownloadError('The server sent more bytes than the file has', true);
    let off = 0;
    while (off < chunk.byteLength) {
      const n = Math.min(chunk.byteLength - off, this.buf.length - this.fill);
      this.buf.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === this.buf.length) await this.flush();
    }
    const due =
      this.pos - this.sidecar.confirmed >= this.policy.commitBytes ||
      (Date.now() - this.lastCommit >= this.policy.commitMs && this.pos > this.sidecar.confirmed);
    if (due) await this.commit();
  }

  /** Writes what is buffered, fsyncs the part, then records the new length in the sidecar. */
  async commit(): Promise<void> {
    await this.flush();
    this.lastCommit = Date.now();
    if (this.pos === this.sidecar.confirmed) return;
    try {
      // fdatasync: the bytes and the file size, which is all a resume reads back.
      await this.fh.datasync();
      await writeSidecar(this.sidecarFile, { ...this.sidecar, confirmed: this.pos });
    } catch (err) {
      throw new DownloadError(`Cannot save the download: ${describeSaveError(err)}`, false);
    }
    this.sidecar.confirmed = this.pos;
    this.onWrite(this.pos, this.pos);
  }

  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    try {
      let done = 0;
      while (done < this.fill) {
        const { bytesWritten } = await this.fh.write(
          this.buf,
          done,
          this.fill - done,
          this.pos + done,
        );
        done += bytesWritten;
      }
    } catch (err) {
      throw new DownloadError(`Cannot write the download: ${describeSaveError(err)}`, false);
    }
    this.pos += this.fill;
    this.fill = 0;
    this.onWrite(this.pos, this.sidecar.confirmed);
  }
}
