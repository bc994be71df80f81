import http from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BROWSER_PLAYS } from '../../../src/main/core/library/browser-play';
import { readTrack } from '../../../src/main/core/library/read-track';
import { launchChromium } from '../../e2e/ui-helpers';
import { CORPUS } from './helpers';

/** One sample per format label of the table (corpus files; see test/fixtures/README.md). */
const SAMPLES: Record<string, string> = {
  mp3: 'id3v2.3.mp3',
  mp2: 'mp3/layer2/fl10.mp2',
  mp1: 'mp3/layer1/fl2.mp1',
  aac: 'aac/adts-mpeg4-2.aac',
  m4a: 'rating/testcase.m4a',
  alac: "MusicBrainz - Beth Hart - Sinner's Prayer.m4a",
  flac: 'flac/libFLAC.flac',
  ogg: 'ogg/audio.vorbis.ogg',
  opus: 'ogg/audio.opus.ogg',
  speex: 'ogg/audio.speex.ogg',
  wav: 'issue_75.wav',
  'wav-other': 'wav/gsm610.wav',
  aiff: 'issue-89 no-artist.aiff',
  webm: 'matroska/My Baby Boy.webm',
  mka: 'matroska/02 - Poxfil - Solid Ground (5 sec).mka',
  wma: 'asf/issue_57.wma',
  ape: 'monkeysaudio.ape',
  mpc: 'mpc/bach-goldberg-variatians-05.sv8.mpc',
  wv: 'wavpack/DSD128 high compression.wv',
};

let browser: Browser;
let server: http.Server;
let base: string;
/** MIME type each sample is served with: the one the scanner publishes (the server's Content-Type). */
const served = new Map<string, string>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').slice(1));
    if (rel === '') return void res.end('<!doctype html><title>play</title>');
    readFile(path.join(CORPUS, rel)).then(
      (b) =>
        res
          .writeHead(200, { 'content-type': served.get(rel) ?? 'application/octet-stream' })
          .end(b),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('which formats a browser plays (measured in Chromium)', () => {
  it('agrees with the table in browser-play.ts, sample by sample', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    const measured: Record<string, boolean> = {};
    for (const [label, rel] of Object.entries(SAMPLES)) {
      const res = await readTrack(path.join(CORPUS, rel));
      expect(res.ok && res.track.format, rel).toBe(label);
      if (res.ok) served.set(rel, res.track.mimeType);
      measured[label] = await page.evaluate(
        (url) =>
          new Promise<boolean>((resolve) => {
            const a = new Audio();
            const t = setTimeout(() => resolve(false), 8000);
            a.oncanplay = () => (clearTimeout(t), resolve(true));
            a.onerror = () => (clearTimeout(t), resolve(false));
            a.src = url;
          }),
        base + encodeURIComponent(rel),
      );
    }
    const table = Object.fromEntries(Object.keys(SAMPLES).map((k) => [k, BROWSER_PLAYS[k]]));
    expect(measured).toEqual(table);
    // Formats without a sample here are never assumed playable.
    for (const [label, plays] of Object.entries(BROWSER_PLAYS))
      if (!(label in SAMPLES)) expect(plays, label).toBe(false);
  }, 120_000);
});
