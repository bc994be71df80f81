import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  esbuildMusicMetadataPatch,
  patchMetadataCollector,
  PATCHES,
  PATCH_TARGET,
} from '../../scripts/music-metadata-patch.mjs';
import { readTrack, type ReadResult } from '../../src/main/core/library/read-track';
import { CORPUS } from '../core/library/helpers';
import { aiffWithText, cp1252 } from '../core/library/tag-files';

const ROOT = path.resolve(import.meta.dirname, '../..');
const installed = path.join(ROOT, 'node_modules', PATCH_TARGET);

describe('the bundle-time patches to music-metadata and token-types', () => {
  it('applies to the installed music-metadata, exactly once', async () => {
    const code = await readFile(installed, 'utf8');
    const out = patchMetadataCollector(code);
    expect(out).not.toBe(code);
    expect(out).toContain('CombinedTagMapper.shared ??= new CombinedTagMapper()');
    expect(out.match(/new CombinedTagMapper\(\)/g)).toHaveLength(1);
  });

  it('every patch applies to the installed package, exactly once', async () => {
    for (const patch of PATCHES) {
      const code = await readFile(path.join(ROOT, 'node_modules', patch.target), 'utf8');
      const out = applyPatch(patch, code);
      expect(out, patch.target).not.toBe(code);
      expect(out.split(patch.to), patch.target).toHaveLength(2);
    }
  });

  it('refuses source it does not recognise, so an upgrade cannot slip past it', () => {
    expect(() => patchMetadataCollector('class MetadataCollector {}')).toThrow(/changed/);
    for (const patch of PATCHES) expect(() => applyPatch(patch, '// other')).toThrow(/changed/);
  });

  it('a patched bundle reads AIFF text in UTF-8 and in Windows-1252', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-mm-aiff-'));
    try {
      const patched = await bundleReadTrack(dir);
      const cases = [
        { name: 'utf8.aiff', text: { title: 'Noémie Petrović', artist: 'Ærø' }, enc: utf8 },
        { name: 'cp.aiff', text: { title: 'Café – l’été', artist: 'Björk “Live”' }, enc: cp1252 },
      ];
      for (const c of cases) {
        const file = path.join(dir, c.name);
        await writeFile(
          file,
          aiffWithText({ title: c.enc(c.text.title), artist: c.enc(c.text.artist) }),
        );
        const r = await patched.readTrack(file);
        expect(r.ok && r.track, c.name).toMatchObject(c.text);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a patched bundle reads every corpus file exactly as the library does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-mm-patch-'));
    try {
      const outfile = path.join(dir, 'read-track.mjs');
      await build({
        entryPoints: [path.join(ROOT, 'src/main/core/library/read-track.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'silent',
        plugins: [esbuildMusicMetadataPatch()],
        banner: {
          js: "import { createRequire as cr } from 'node:module'; const require = cr(import.meta.url);",
        },
      });
      const bundled = await readFile(outfile, 'utf8');
      expect(bundled).toContain('CombinedTagMapper.shared');
      expect(bundled).toContain('offset + 4 <= array.length');
      const patched = (await import(pathToFileURL(outfile).href)) as {
        readTrack: typeof readTrack;
      };
      const files = (await readdir(CORPUS, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name));
      expect(files.length).toBeGreaterThan(100);
      const strip = (r: ReadResult) => ({ ...r, stamp: undefined });
      // One file after another through the one shared mapper, every format interleaved. The
      // WebM files with elements of unknown size are what the EBML patch is for: read only patched.
      const unknownSize = new Set(['matroska/no-duration.webm', 'matroska/stream.weba']);
      for (const f of files) {
        const [a, b] = [await readTrack(f), await patched.readTrack(f)];
        if (!unknownSize.has(path.relative(CORPUS, f))) {
          expect(strip(b), f).toEqual(strip(a));
          continue;
        }
        expect(a.ok, f).toBe(false);
        expect(b.ok && b.track, f).toMatchObject({ mimeType: 'audio/webm', format: 'webm' });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** read-track.ts bundled with the patches into `dir`, and loaded. */
async function bundleReadTrack(dir: string): Promise<{ readTrack: typeof readTrack }> {
  const outfile = path.join(dir, 'read-track.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'src/main/core/library/read-track.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [esbuildMusicMetadataPatch()],
    banner: {
      js: "import { createRequire as cr } from 'node:module'; const require = cr(import.meta.url);",
    },
  });
  return (await import(pathToFileURL(outfile).href)) as { readTrack: typeof readTrack };
}
