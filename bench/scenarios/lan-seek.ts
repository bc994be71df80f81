/**
 * Seek to playing in Chromium (`--only lan-seek`, issue 13: p50 < 300 ms on loopback). Headless
 * Debian Chromium (playwright-core, CHROMIUM_PATH or /usr/bin/chromium) plays a 10-minute FLAC
 * and MP3 from the daemon's LAN server and seeks to random places (seeded). The device token goes
 * on every request of the page through `extraHTTPHeaders` (an <audio> element cannot set a header
 * itself). Per seek: from setting `currentTime` to `seeked`, and to playing (the first time
 * `currentTime` moves on from the seek target, polled every 2 ms in the page).
 *
 * The tracks are generated once with the ffmpeg of the @ffmpeg-installer dev dependency (a tone
 * with noise, so the codecs work for real) and kept in the bench work dir.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { BenchContext } from '../lib/context';
import { quantile } from '../lib/report';
import { withLanDaemon } from './lan-fair';

const run = promisify(execFile);
const SECONDS = 600;

/** Generates `file` (a SECONDS-long tone with noise) unless it exists; codec args per format. */
async function generate(file: string, codec: string[]): Promise<void> {
  if (
    await access(file).then(
      () => true,
      () => false,
    )
  )
    return;
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string })
    .path;
  const tmp = `${file}.tmp${path.extname(file)}`;
  // An ID3 title so that the library publishes the MP3 under a known name.
  await run(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${SECONDS}:sample_rate=44100`,
      '-f',
      'lavfi',
      '-i',
      `anoisesrc=d=${SECONDS}:a=0.05:r=44100:seed=3`,
      '-filter_complex',
      'amix=inputs=2',
      '-ac',
      '2',
      '-ar',
      '44100',
      '-metadata',
      `title=seek-${path.extname(file).slice(1)}`,
      ...codec,
      '-y',
      tmp,
    ],
    { maxBuffer: 1 << 20 },
  );
  await rename(tmp, file);
}

/**
 * Runs in the page (as text: the bench's TypeScript loader would add helpers the page lacks):
 * plays the <audio>, then `n` seeded random seeks into a track of `length` s, each timed from
 * setting currentTime to `seeked` and to the first move of currentTime past where it landed.
 */
const SEEKS_IN_PAGE = `async (n, length) => {
  const a = document.getElementById('a');
  a.muted = true;
  await a.play();
  const wait = (ms) => new Promise((res) => setTimeout(res, ms));
  await wait(500);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out = [];
  for (let i = 0; i < n; i++) {
    const to = 5 + rand() * (length - 20);
    let buffered = false;
    for (let r = 0; r < a.buffered.length; r++)
      if (a.buffered.start(r) <= to && to < a.buffered.end(r) - 1) buffered = true;
    const seeked = new Promise((res) => a.addEventListener('seeked', res, { once: true }));
    const t0 = performance.now();
    a.currentTime = to;
    await seeked;
    const t1 = performance.now();
    const from = a.currentTime;
    while (a.currentTime <= from && !a.error) await wait(2);
    if (a.error) throw new Error('media error ' + a.error.code + ' after a seek to ' + to);
    out.push({ seeked: t1 - t0, playing: performance.now() - t0, at: from, to, buffered });
    await wait(300); // plays on a little, as a listener would, before the next seek
  }
  return { out, duration: a.duration };
}`;

export async function lanSeek(ctx: BenchContext): Promise<void> {
  const music = path.join(ctx.work, 'lan-seek', 'music');
  await mkdir(music, { recursive: true });
  await generate(path.join(music, 'seek.flac'), ['-c:a', 'flac']);
  await generate(path.join(music, 'seek.mp3'), [
    '-c:a',
    'libmp3lame',
    '-b:a',
    '192k',
    '-compression_level',
    '9',
  ]);
  // A fresh state dir each time (the tracks are kept; the token and scan are not).
  const stateDir = path.join(await ctx.tempDir('lan-seek'), 'state');
  const seeks = ctx.config.quick ? 10 : 40;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    await withLanDaemon(ctx, { music, stateDir, tracks: 2 }, async (l) => {
      for (const format of ['flac', 'mp3']) {
        const track = l.hub.tracks().find((t) => t.title === `seek-${format}`);
        if (!track) throw new Error(`seek-${format} is not in the published list`);
        const context = await browser.newContext({
          extraHTTPHeaders: { Authorization: l.auth },
        });
        try {
          const page = await context.newPage();
          await page.setContent(`<audio id="a" preload="auto" src="${l.url(track.id)}"></audio>`);
          const r = (await page.evaluate(`(${SEEKS_IN_PAGE})(${seeks}, ${SECONDS})`)) as {
            out: { seeked: number; playing: number; at: number; to: number; buffered: boolean }[];
            duration: number;
          };
          if (Math.abs(r.duration - SECONDS) > 1)
            throw new Error(`${format}: Chromium read a duration of ${r.duration} s`);
          const off = r.out.filter((s) => Math.abs(s.at - s.to) > 1);
          if (off.length > 0)
            throw new Error(`${format}: ${off.length} seeks landed more than 1 s away`);
          const playing = r.out.map((s) => s.playing);
          const seeked = r.out.map((s) => s.seeked);
          const unbuffered = r.out.filter((s) => !s.buffered).map((s) => s.playing);
          ctx.add({
            key: `lanSeek.${format}.p50`,
            measures: `Chromium <audio>, ${SECONDS / 60}-minute ${format.toUpperCase()} on the LAN server over loopback: set currentTime to playing again, ${seeks} random seeks`,
            unit: 'ms',
            values: [quantile(playing, 0.5)],
            target: '< 300 ms',
            pass: (m) => m < 300,
            note: `to seeked: p50 ${quantile(seeked, 0.5).toFixed(0)} ms; ${unbuffered.length} of ${seeks} seeks outside what was buffered, their p50 ${quantile(unbuffered, 0.5).toFixed(0)} ms`,
          });
          ctx.add({
            key: `lanSeek.${format}.p95`,
            measures: 'the same, 95th percentile',
            unit: 'ms',
            values: [quantile(playing, 0.95)],
            note: `max ${Math.max(...playing).toFixed(0)} ms; to seeked: p95 ${quantile(seeked, 0.95).toFixed(0)} ms`,
          });
        } finally {
          await context.close();
        }
      }
    });
  } finally {
    await browser.close();
  }
}
