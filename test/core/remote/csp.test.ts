import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererCsp } from '../../../src/main/core/remote/csp';
import { COVER_SCHEME, coverSchemeUrl } from '../../../src/shared/covers';

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe('the renderer CSP and cover images', () => {
  it('allows cover thumbnails, and the built page carries the same img-src as the headers', async () => {
    const html = await readFile(
      path.resolve(import.meta.dirname, '../../../src/renderer/index.html'),
      'utf8',
    );
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(directive(rendererCsp(), 'img-src')).toBe(`img-src 'self' data: ${COVER_SCHEME}:`);
    expect(directive(meta, 'img-src')).toBe(directive(rendererCsp(), 'img-src'));
    // Nothing else may load from the scheme: scripts, styles and connections stay self-only.
    for (const name of ['script-src', 'style-src', 'connect-src'])
      expect(directive(rendererCsp(), name)).not.toContain(COVER_SCHEME);
  });

  it("lets the player load only our own files and the engine's loopback proxy", async () => {
    const html = await readFile(
      path.resolve(import.meta.dirname, '../../../src/renderer/index.html'),
      'utf8',
    );
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(directive(rendererCsp(), 'media-src')).toBe("media-src 'self' http://127.0.0.1:*");
    expect(directive(meta, 'media-src')).toBe(directive(rendererCsp(), 'media-src'));
  });

  it('builds cover URLs the scheme handler parses back', () => {
    const url = new URL(coverSchemeUrl('0123456789abcdef0123456789abcdef'));
    expect(url.protocol).toBe(`${COVER_SCHEME}:`);
    expect(url.hostname).toBe('track');
    expect(url.pathname).toBe('/0123456789abcdef0123456789abcdef');
  });
});
