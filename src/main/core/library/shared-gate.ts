/** A limit on the files being read at once from one medium (see `fs/media.ts`). */
export interface ReadGate {
  /** Files sharing a key share the limit (one key per device). */
  key: string;
  /** Files read at once through this gate, at least 1. */
  limit: number;
}

/** Threads a gate's memory has room for (the pool runs at most 4). */
export const GATE_THREADS = 16;

/**
 * The memory of one gate, shared by every parse thread: `[reading, held by thread 0, 1, …]`. The
 * pool makes one per gate key and sends it with each file, so threads wait for one another
 * without a round trip through the main thread between two reads (on a disk whose every read
 * costs a seek, the disk would sit idle during that round trip).
 */
export function gateMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * (1 + GATE_THREADS));
}

/**
 * One thread's side of a gate: `acquire` before reading a file, `release` once its bytes are read.
 * Waiting never blocks the thread (Atomics.waitAsync): a thread may hold the gate for one file
 * while its other files wait for it.
 */
export class SharedGate {
  private readonly cells: Int32Array;

  constructor(
    memory: SharedArrayBuffer,
    private readonly limit: number,
    private readonly thread: number,
  ) {
    if (thread < 0 || thread >= GATE_THREADS) throw new RangeError(`thread ${thread} out of range`);
    this.cells = new Int32Array(memory);
  }

  /** Resolves once this thread may read one more file. */
  async acquire(): Promise<void> {
    const c = this.cells;
    const limit = Math.max(1, this.limit);
    for (;;) {
      const reading = Atomics.load(c, 0);
      if (reading < limit) {
        // Held first: a thread ended between these two steps leaves at worst one place too many
        // (the pool frees what it held), never a place taken for good.
        Atomics.add(c, 1 + this.thread, 1);
        if (Atomics.compareExchange(c, 0, reading, reading + 1) === reading) return;
        Atomics.sub(c, 1 + this.thread, 1);
        continue;
      }
      // The timeout only bounds a wake-up lost to a thread that died holding the gate.
      const w = waitAsync(c, 0, reading, 1000);
      if (w.async) await w.value;
    }
  }

  /** This thread has read the file it acquired for. */
  release(): void {
    Atomics.sub(this.cells, 1 + this.thread, 1);
    Atomics.sub(this.cells, 0, 1);
    Atomics.notify(this.cells, 0, 1);
  }
}

/** Atomics.waitAsync (Node 16+; not in this project's TypeScript lib). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
      ms: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** Frees whatever `thread` held of the gate in `memory` (the pool ends a stuck or crashed thread). */
export function releaseThread(memory: SharedArrayBuffer, thread: number): void {
  const c = new Int32Array(memory);
  const held = Atomics.exchange(c, 1 + thread, 0);
  if (held <= 0) return;
  Atomics.sub(c, 0, held);
  Atomics.notify(c, 0);
}

/** Files reading now through the gate in `memory`. */
export function reading(memory: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(memory), 0);
}
