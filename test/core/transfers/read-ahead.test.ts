import { open, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../../../src/main/core/transfers/read-ahead';
import type { SendScheduler } from '../../../src/main/core/transfers/send-scheduler';
import { createRecord } from '../../../src/main/core/transfers/transfer-record';
import { until } from './hub';

const KiB = 1024;

/** A scheduler that only queues: nothing is ever sent, so lanes stay full. */
function queueOnly() {
  const lane: { dataBytes: number }[] = [];
  const sched = {
    enqueue: (_id: string, item: { dataBytes: number }) => void lane.push(item),
    laneLength: () => lane.length,
    queuedDataBytes: () => lane.reduce((n, i) => n + i.dataBytes, 0),
  } as unknown as SendScheduler;
  return { sched, lane };
}

describe('ReadAhead', () => {
  it('reads a block of four chunks, cuts only what the lane takes, and lets the rest go on release', async () => {
    const file = path.join(os.tmpdir(), `tcs-ra-${process.pid}.bin`);
    await writeFile(file, Buffer.alloc(1000 * KiB, 7));
    const handle = await open(file, 'r');
    try {
      const { sched, lane } = queueOnly();
      const reader = new ReadAhead(sched, 64 * KiB, () => undefined);
      const rec = createRecord(
        { requestId: 'r1', trackId: 't', kind: 'stream' },
        {
          path: file,
          size: 1000 * KiB,
          mtimeMs: (await stat(file)).mtimeMs,
          title: 't',
          allowDownload: true,
        } as never,
        0,
      );
      rec.handle = handle;
      reader.fill(rec);
      expect(reader.bytes).toBe(256 * KiB); // one block being read
      await until(() => lane.length === 2, 2000, 'two chunks queued');
      // Two chunks in the lane, the other two of the block held; nothing more is read.
      expect(rec.pos).toBe(128 * KiB);
      expect(reader.bytes).toBe(256 * KiB);
      expect(reader.bytes).toBeLessThanOrEqual(reader.boundPerTransfer);
      rec.finished = true;
      reader.release(rec);
      expect(reader.bytes).toBe(128 * KiB); // only what the lane still holds
      expect(rec.block).toBeUndefined();
    } finally {
      await handle.close();
      await rm(file, { force: true });
    }
  });
});
