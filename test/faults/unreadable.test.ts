/**
 * Issue 15: a file made unreadable, and a disk that fails, while a track streams from it. Root
 * reads through `chmod 000` and an open descriptor keeps reading anyway, so the failure is
 * injected below the engine instead: the shared folder is a FUSE pass-through
 * (bench/slow-disk.py with `--faults`, no delays) that answers EIO or EACCES for a named file from
 * the moment the test says so, on reads of descriptors already open too.
 *
 * What must hold: the listener gets a prefix of the file and then chunk_error naming the cause,
 * never other bytes; the next request fails at once with the reason; the folder's other tracks
 * keep streaming; when the fault goes, the same track streams whole again under the same id.
 * Root with /dev/fuse and python3-fusepy; skips and says why otherwise.
 */
import { writeFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountSlowDisk, slowDiskMissing, type SlowDisk } from '../../bench/lib/slow-disk';
import { startHub, type Hub } from '../hub/emulator';
import { fetchAll, makeWav, startEngine } from '../e2e/helpers';
import { FULL, streamWithFault, tempDir } from './helpers';

const SIZE = 6 * 1024 * 1024;
const missing = slowDiskMissing();
if (missing) process.stderr.write(`faults: unreadable mid-stream skipped: ${missing}\n`);
else if (!FULL)
  process.stderr.write('faults: unreadable mid-stream runs in npm run faults only (~15 s)\n');

describe.runIf(missing === undefined && FULL)('a file that becomes unreadable mid-stream', () => {
  let hub: Hub;
  let dir: string;
  let disk: SlowDisk;
  let faults: string;
  const song = makeWav(SIZE, 21);
  const other = makeWav(SIZE / 4, 22);
  beforeAll(async () => {
    hub = await startHub();
    dir = await tempDir('unreadable');
    await mkdir(path.join(dir, 'source'));
    await writeFile(path.join(dir, 'source', 'song.wav'), song);
    await writeFile(path.join(dir, 'source', 'other.wav'), other);
    faults = path.join(dir, 'faults.json');
    await writeFile(faults, '{}');
    disk = await mountSlowDisk(path.join(dir, 'source'), path.join(dir, 'drive'), {
      seekMs: 0,
      mbPerS: 10_000,
      faults,
    });
  }, 30_000);
  afterAll(async () => {
    await disk?.unmount();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['EIO', /Disk read error \(EIO\)/],
    ['EACCES', /Permission denied reading the file/],
  ])(
    '%s: a prefix, then chunk_error with the reason; the rest keeps streaming; back when it clears',
    async (errno, reason) => {
      await writeFile(faults, '{}');
      const { engine, stop } = await startEngine(hub, [disk.dir], {
        settings: { uploadRateLimit: 2 * 1024 * 1024 }, // ~3 s for the song: time to fail it
      });
      try {
        await hub.waitFor(() => hub.tracks().length === 2, 15_000);
        const session = hub.sessions().at(-1)!;
        const idOf = (bytes: Buffer) =>
          hub.tracks(session.id).find((t) => t.fileSizeBytes === bytes.length)!.id;
        const url = (id: string) =>
          `${hub.url}/api/peers/${session.id}/tracks/${id}/stream?token=tc_good`;
        const songId = idOf(song);
        const errors = () =>
          hub.received.filter((f) => f.sessionId === session.id && f.type === 'chunk_error');

        const got = await streamWithFault(url(songId), SIZE / 4, () =>
          writeFile(faults, JSON.stringify({ 'song.wav': errno })),
        );
        expect(got.faulted).toBe(true);
        expect(got.status).toBe(200);
        // Never other bytes: a prefix of the file, shorter than it, then chunk_error.
        expect(got.body.length).toBeGreaterThan(SIZE / 4);
        expect(got.body.length).toBeLessThan(SIZE);
        expect(got.body.equals(song.subarray(0, got.body.length))).toBe(true);
        expect(errors()).toHaveLength(1);
        expect(errors()[0]!.message).toMatch(reason);

        // Asked again while the fault lasts: refused at once, with the reason.
        const again = await fetchAll(url(songId));
        expect(again.status).toBe(500);
        expect(errors()).toHaveLength(2);
        expect(errors()[1]!.message).toMatch(reason);

        // The folder's other track is not affected, and the folder is not taken offline.
        const rest = await fetchAll(url(idOf(other)));
        expect(rest.body.equals(other)).toBe(true);
        const folders = (await engine.invoke('getSnapshot')).folders.map((f) => f.state);
        expect(folders).not.toContain('offline');

        // The fault clears: the same track, same id, streams whole.
        await writeFile(faults, '{}');
        const back = await fetchAll(url(songId));
        expect(back.status).toBe(200);
        expect(back.body.equals(song)).toBe(true);
        expect(hub.tracks(session.id).map((t) => t.id)).toContain(songId);
        process.stderr.write(
          `faults: ${errno} mid-stream: the listener got ${got.body.length} of ${SIZE} B (${got.ended}), then chunk_error "${errors()[0]!.message}"; again: ${again.status}; cleared: whole\n`,
        );
      } finally {
        await stop();
      }
    },
    60_000,
  );
});
