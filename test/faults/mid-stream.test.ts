/**
 * Issue 15: a file rewritten in place, truncated, or replaced while it streams through the tunnel.
 * The listener must never get bytes of two versions or garbage: what arrives is a prefix of the
 * published version, and a changed file ends with chunk_error (PROTOCOL.md section 4); the library
 * looks at the file again and publishes what is there now. A replaced file (a new inode renamed
 * over it) was opened before, so that stream is the old version whole.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdir, open, rename, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav, startEngine } from '../e2e/helpers';
import { tempDir } from './helpers';

const SIZE = 6 * 1024 * 1024;
const RATE = 3 * 1024 * 1024; // bytes per second: the stream takes 2 s, time to change the file

let hub: Hub;
let dir: string;
beforeAll(async () => {
  hub = await startHub();
  dir = await tempDir('midstream');
});
afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Streams `url`, keeping every byte that arrives, whether the response ends or is cut. */
function listen(url: string, onFirstBytes: () => void) {
  return new Promise<{ status: number; body: Buffer; complete: boolean }>((resolve) => {
    const parts: Buffer[] = [];
    let first = true;
    http
      .get(url, (res) => {
        res.on('data', (d: Buffer) => {
          parts.push(d);
          if (first) onFirstBytes();
          first = false;
        });
        const done = (complete: boolean) =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), complete });
        res.on('end', () => done(res.complete));
        res.on('error', () => done(false));
        res.on('aborted', () => done(false));
      })
      .on('error', () => resolve({ status: 0, body: Buffer.concat(parts), complete: false }));
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Change = (file: string) => Promise<void>;
const CHANGES: [string, Change, 'error' | 'whole'][] = [
  [
    'rewritten in place (same size, new bytes)',
    async (file) => {
      const fh = await open(file, 'r+');
      await fh.write(makeWav(SIZE, 8), 0, SIZE, 0); // another recording, same length
      await fh.close();
    },
    'error',
  ],
  ['truncated to a third', (file) => truncate(file, SIZE / 3), 'error'],
  [
    'replaced (renamed over)',
    async (file) => {
      await writeFile(`${file}.new`, makeWav(SIZE / 2, 99));
      await rename(`${file}.new`, file);
    },
    'whole',
  ],
];

describe('a file changed while it streams through the tunnel', () => {
  it.each(CHANGES)(
    '%s: the listener gets a prefix of one version only',
    async (name, change, ends) => {
      const music = path.join(dir, name.replace(/\W+/g, '-'));
      await mkdir(music);
      const file = path.join(music, 'song.wav');
      const original = makeWav(SIZE, 7);
      await writeFile(file, original);
      const { stop } = await startEngine(hub, [music], { settings: { uploadRateLimit: RATE } });
      try {
        await hub.waitFor(() => hub.sessions().length > 0 && hub.tracks().length === 1, 15_000);
        const session = hub.sessions().at(-1)!;
        const track = hub.tracks(session.id)[0]!;
        let changed: Promise<void> = Promise.resolve();
        const got = await listen(
          `${hub.url}/api/peers/${session.id}/tracks/${track.id}/stream?token=tc_good`,
          () => (changed = new Promise((r) => setTimeout(r, 300)).then(() => change(file))),
        );
        await changed;
        expect(got.status).toBe(200);
        // Never bytes of another version: exactly the first N bytes of the published file.
        expect(sha(got.body)).toBe(sha(original.subarray(0, got.body.length)));
        const frames = hub.received.filter((f) => f.sessionId === session.id);
        if (ends === 'error') {
          expect(got.complete).toBe(false);
          expect(got.body.length).toBeLessThan(SIZE);
          expect(frames.some((f) => f.type === 'chunk_error')).toBe(true);
          expect(frames.some((f) => f.type === 'chunk_end')).toBe(false);
        } else {
          expect(got.body.length).toBe(SIZE);
        }
        process.stderr.write(
          `faults: ${name}: ${got.body.length} of ${SIZE} bytes, all of the published version, then ${ends === 'error' ? 'chunk_error' : 'chunk_end'}\n`,
        );
        // The library looks again: what is published now is the file as it is.
        await hub.waitFor(() => {
          const t = hub.tracks(session.id);
          return t.length === 1 && t[0]!.id !== track.id;
        }, 10_000);
      } finally {
        await stop();
      }
    },
    30_000,
  );
});
