/**
 * Pieces of the screenshot tour of the real app: a tagged WAV (RIFF INFO title, artist, album),
 * a listener that streams from the hub until told to stop, and the layout check run in the page.
 */
import { request, type ClientRequest } from 'node:http';
import type { Page } from 'playwright-core';
import { makeWav } from '../e2e/helpers';

/** A WAV of about `bytes` bytes with RIFF INFO tags, as a field recorder or an editor writes them. */
export function taggedWav(
  bytes: number,
  seed: number,
  tags: { title: string; artist: string; album: string },
): Buffer {
  const field = (id: string, text: string) => {
    const value = Buffer.from(`${text}\0`, 'latin1');
    const padded = Buffer.alloc(value.length + (value.length % 2));
    value.copy(padded);
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(value.length, 4);
    return Buffer.concat([head, padded]);
  };
  const info = Buffer.concat([
    Buffer.from('INFO', 'latin1'),
    field('INAM', tags.title),
    field('IART', tags.artist),
    field('IPRD', tags.album),
  ]);
  const list = Buffer.alloc(8);
  list.write('LIST', 0, 'latin1');
  list.writeUInt32LE(info.length, 4);
  const wav = Buffer.concat([makeWav(bytes, seed), list, info]);
  wav.writeUInt32LE(wav.length - 8, 4);
  return wav;
}

/** A listener on the hub: streams `url`, counting bytes, until `stop()`. */
export interface Listener {
  received(): number;
  stop(): void;
}

/** Starts streaming `url` (a hub stream address) and keeps reading until stopped. */
export function listen(url: string): Listener {
  let bytes = 0;
  let req: ClientRequest | undefined = request(url, (res) => {
    res.on('data', (chunk: Buffer) => (bytes += chunk.length));
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return {
    received: () => bytes,
    stop: () => {
      req?.destroy();
      req = undefined;
    },
  };
}

/** How far the page, the view's scroll container and the track grid overflow sideways (px). */
export function horizontalOverflow(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    const measure = (name: string, el: Element | null) => {
      if (el) out[name] = el.scrollWidth - el.clientWidth;
    };
    measure('page', document.scrollingElement);
    measure('main', document.querySelector('main'));
    measure('grid', document.querySelector('[data-testid="track-grid"]'));
    measure('strip', document.querySelector('[data-testid="now-playing"]'));
    return out;
  });
}
