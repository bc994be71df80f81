/**
 * Reusable read buffers for one thread. A cold scan reads thousands of small files whole; a fresh
 * buffer per file churns gigabytes of external memory, which V8 answers with frequent full GCs.
 * `take` lends a view of a pooled buffer (or nothing, for files larger than the pooled size); the
 * caller must `give` it back only once nothing reads it any more.
 */
export class ScratchBuffers {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  /** A buffer of exactly `n` bytes from the pool, or undefined when `n` exceeds the pooled size. */
  take(n: number): Buffer | undefined {
    if (n > this.size) return undefined;
    return Buffer.from(this.free.pop() ?? new ArrayBuffer(this.size), 0, n);
  }

  /** Return a buffer from `take`; anything else, or more than `keep` buffers, is left to the GC. */
  give(buf: Uint8Array): void {
    const ab = buf.buffer;
    if (ab instanceof ArrayBuffer && ab.byteLength === this.size && this.free.length < this.keep)
      this.free.push(ab);
  }
}
