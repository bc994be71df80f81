import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  contentLength,
  fetchRange,
  fetchToWriter,
  LanFetchError,
} from '../../../src/main/core/lan/client';
import { bytes, startRig, trackId, type Rig } from './helpers';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('Cranpose-style client helpers', () => {
  it('contentLength probes one byte; fetchRange follows capped bodies into memory', async () => {
    rig = await startRig({ maxRangeBytes: 100_000 });
    const data = bytes(1_234_567);
    await rig.addTrack(trackId(1), data);
    const url = rig.url(trackId(1));
    expect(await contentLength(url, { token: rig.token })).toBe(1_234_567);
    // 350,000 bytes across a 100,000-byte cap: four requests, one buffer.
    const got = await fetchRange(url, 10, 350_009, { token: rig.token });
    expect(got.equals(data.subarray(10, 350_010))).toBe(true);
    // Past the end of the file: what there is.
    expect((await fetchRange(url, 1_234_500, 2_000_000, { token: rig.token })).length).toBe(67);
  });

  it('fetchToWriter streams from an offset to the end and returns the total', async () => {
    rig = await startRig({ maxRangeBytes: 1024 * 1024 });
    const data = bytes(5 * 1024 * 1024 + 17);
    await rig.addTrack(trackId(1), data);
    const dest = path.join(rig.dir, 'download.part');
    await writeFile(dest, data.subarray(0, 3000)); // a resumed download
    const out = createWriteStream(dest, { flags: 'a' });
    const total = await fetchToWriter(rig.url(trackId(1)), 3000, out, { token: rig.token });
    out.end();
    await finished(out);
    expect(total).toBe(data.length);
    expect((await readFile(dest)).equals(data)).toBe(true);
  });

  it('says why it fails: a revoked token, a start past the end, a file that changed between parts', async () => {
    rig = await startRig({ maxRangeBytes: 64 * 1024 });
    const data = bytes(1_000_000);
    const t = await rig.addTrack(trackId(1), data);
    const url = rig.url(trackId(1));
    await expect(contentLength(url)).rejects.toMatchObject({ status: 401 });
    await expect(fetchRange(url, 1_000_000, 1_000_001, { token: rig.token })).rejects.toMatchObject(
      {
        status: 416,
      },
    );
    // The file changes after the first part (the library republishes it with a new mtime):
    // the next part's If-Range no longer matches, and the helper refuses to stitch versions.
    let parts = 0;
    const sink = new (await import('node:stream')).Writable({
      write(_chunk, _enc, cb) {
        parts++;
        if (parts === 1) {
          void writeFile(t.path, bytes(1_000_000)).then(async () => {
            await rig!.addTrack(trackId(1), await readFile(t.path));
            cb();
          });
        } else cb();
      },
    });
    const err = await fetchToWriter(url, 0, sink, { token: rig.token }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LanFetchError);
    expect((err as Error).message).toMatch(/changed|Body ended/);
  });
});
