// music-metadata 11 builds a CombinedTagMapper, that is every tag mapper with its upper-cased key
// tables, for every file it parses: about 14 % of a cold scan's CPU. The mappers hold no per-parse
// state (only the tables set in their constructors), so the parse worker bundle shares one.
// Applied at bundle time to the worker only; the build fails if the source no longer matches, so
// an upgrade cannot silently drop (or misapply) the patch.

/** The file the patch applies to, as a path suffix. */
export const PATCH_TARGET = 'music-metadata/lib/common/MetadataCollector.js';

const FROM = 'this.tagMapper = new CombinedTagMapper();';
const TO = 'this.tagMapper = (CombinedTagMapper.shared ??= new CombinedTagMapper());';

/** The patched source of MetadataCollector.js; throws if `code` is not the expected version. */
export function patchMetadataCollector(code) {
  const at = code.indexOf(FROM);
  if (at < 0 || code.indexOf(FROM, at + 1) >= 0) {
    throw new Error(
      `${PATCH_TARGET} changed: update scripts/music-metadata-patch.mjs for this music-metadata version`,
    );
  }
  return code.replace(FROM, TO);
}

/** An esbuild plugin applying the patch. */
export function esbuildMusicMetadataPatch() {
  return {
    name: 'music-metadata-shared-tag-mapper',
    setup(build) {
      build.onLoad({ filter: /MetadataCollector\.js$/ }, async (args) => {
        if (!args.path.replaceAll('\\', '/').endsWith(PATCH_TARGET)) return undefined;
        const { readFile } = await import('node:fs/promises');
        return {
          contents: patchMetadataCollector(await readFile(args.path, 'utf8')),
          loader: 'js',
        };
      });
    },
  };
}

/** The same as a Vite (Rollup) plugin. */
export function viteMusicMetadataPatch() {
  return {
    name: 'music-metadata-shared-tag-mapper',
    transform(code, id) {
      if (!id.split('?')[0].replaceAll('\\', '/').endsWith(PATCH_TARGET)) return undefined;
      return { code: patchMetadataCollector(code), map: null };
    },
  };
}
