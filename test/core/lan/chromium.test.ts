/**
 * Real Debian Chromium playing and seeking an <audio> element against the LAN server on
 * 127.0.0.1, with a small body cap so the player must come back for more ranges. The server
 * records what Chromium sends, so the test shows the request shapes of LAN notes 1.2 for real.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../../e2e/helpers';
import { launchChromium } from '../../e2e/ui-helpers';
import { LanServer } from '../../../src/main/core/lan/lan-server';
import { startRig, toneWav, trackId, type Rig } from './helpers';

interface Seen {
  range?: string;
  ifRange?: string;
  status: number;
}

let rig: Rig;
let browser: Browser;
const seen: Seen[] = [];

beforeAll(async () => {
  rig = await startRig();
  // Media elements cannot send an Authorization header, and a request carrying one (through
  // extraHTTPHeaders) keeps Chromium's cache, and with it If-Range, out of play. Tokens are
  // tested elsewhere; this server lets every request in and records each one's shape.
  await rig.server.close();
  const server = await LanServer.start({
    host: '127.0.0.1',
    port: 0,
    resolve: (id) => rig.tracks.get(id),
    authorize: () => 'chromium',
    onRequest: (req, res) => {
      const entry: Seen = {
        range: req.headers.range,
        ifRange: req.headers['if-range'] as string | undefined,
        status: 0,
      };
      seen.push(entry);
      res.once('finish', () => (entry.status = res.statusCode));
      res.once('close', () => (entry.status ||= res.statusCode));
    },
    limits: { maxRangeBytes: 512 * 1024 },
  });
  Object.assign(rig, {
    server,
    url: (id: string) => `http://127.0.0.1:${server.port}/track/${id}`,
  });
  await rig.addTrack(trackId(1), toneWav(120, 44_100), 'audio/wav', 'tone.wav');
  await rig.addTrack(
    trackId(2),
    await readFile(path.join(CORPUS, "MusicBrainz - Beth Hart - Sinner's Prayer.flac")),
    'audio/flac',
    'song.flac',
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

async function page(src: string) {
  const ctx = await browser.newContext({
    extraHTTPHeaders: { Authorization: `Bearer ${rig.token}` },
  });
  const p = await ctx.newPage();
  await p.setContent(`<audio id="a" preload="auto" muted src="${src}"></audio>`);
  return { p, close: () => ctx.close() };
}

describe('Chromium <audio> against the LAN server', () => {
  it('plays a 120 s WAV, seeks forward and back, and keeps playing; every answer is 200/206', async () => {
    seen.length = 0;
    const { p, close } = await page(rig.url(trackId(1)));
    try {
      const duration = await p.evaluate(async () => {
        const a = document.getElementById('a') as HTMLAudioElement;
        a.muted = true;
        await a.play();
        await new Promise((r) => setTimeout(r, 300));
        return a.duration;
      });
      expect(duration).toBeCloseTo(120, 0);
      const seekMs: number[] = [];
      for (const to of [90, 30, 100]) {
        const r = await p.evaluate(async (t) => {
          const a = document.getElementById('a') as HTMLAudioElement;
          const t0 = performance.now();
          a.currentTime = t;
          await new Promise((res) => a.addEventListener('seeked', res, { once: true }));
          const from = a.currentTime;
          // Playing again: time moves on from the seek target.
          while (a.currentTime <= from + 0.05) await new Promise((res) => setTimeout(res, 10));
          return {
            ms: performance.now() - t0,
            at: a.currentTime,
            paused: a.paused,
            error: a.error?.code,
          };
        }, to);
        expect(r.error).toBeUndefined();
        expect(r.paused).toBe(false);
        expect(r.at).toBeGreaterThan(to);
        expect(r.at).toBeLessThan(to + 3);
        seekMs.push(r.ms);
      }
      console.log(`Chromium seek to playing (ms): ${seekMs.map((m) => m.toFixed(0)).join(', ')}`);
      console.log(
        `Chromium requests: ${JSON.stringify(seen.map((s) => [s.range, s.ifRange ? 'If-Range' : '', s.status]))}`,
      );
      expect(seen[0]?.range).toBe('bytes=0-');
      // The cap made Chromium come back for more: several ranges, none refused.
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.every((s) => s.range !== undefined)).toBe(true);
      expect(seen.every((s) => s.status === 206 || s.status === 200 || s.status === 0)).toBe(true);
      // A seek to 90 s of a 10.6 MB file asks from near byte 90 * 88200, not from where it was.
      const starts = seen.map((s) => Number(/^bytes=(\d+)/.exec(s.range ?? '')?.[1]));
      expect(starts.some((b) => b > 7_000_000 && b < 8_500_000)).toBe(true);
    } finally {
      await close();
    }
  });

  it('loads and plays a FLAC (any early tail fetch must be answered too)', async () => {
    seen.length = 0;
    const { p, close } = await page(rig.url(trackId(2)));
    try {
      const r = await p.evaluate(async () => {
        const a = document.getElementById('a') as HTMLAudioElement;
        a.muted = true;
        await a.play();
        while (a.currentTime < 0.3 && !a.error) await new Promise((res) => setTimeout(res, 10));
        return { t: a.currentTime, error: a.error?.code, duration: a.duration };
      });
      console.log(
        `Chromium FLAC requests: ${JSON.stringify(seen.map((s) => [s.range, s.ifRange ? 'If-Range' : '', s.status]))}`,
      );
      expect(r.error).toBeUndefined();
      expect(r.t).toBeGreaterThan(0.2);
      expect(seen[0]?.range).toBe('bytes=0-');
      expect(seen.every((s) => s.status === 206 || s.status === 200 || s.status === 0)).toBe(true);
    } finally {
      await close();
    }
  });
});
