// Bundle-time patches to the tag parser's dependencies, for CPU per file on a cold scan. Each
// replaces one exact piece of source; the build fails if that piece is missing or appears twice,
// so an upgrade cannot silently drop (or misapply) a patch. test/scripts checks that a patched
// bundle reads every corpus file exactly as the unpatched library does.

/**
 * The patches, each on one file (a path suffix under node_modules):
 * - music-metadata 11 builds a CombinedTagMapper, that is every tag mapper with its upper-cased
 *   key tables, for every file it parses: about 14 % of a cold scan's CPU. The mappers hold no
 *   per-parse state (only the tables set in their constructors), so one is shared.
 * - token-types makes a new DataView for every number it decodes; ID3v2 frame headers alone (a
 *   32-bit big-endian size each, read from a fresh subarray) cost about 3 % of a parse thread's
 *   CPU that way. Within the array's bounds UINT32_BE now reads the four bytes directly; anything
 *   else still goes through the DataView, so out-of-range reads behave (and throw) as before.
 * - music-metadata reads AIFF text chunks (NAME, AUTH…) as 7-bit ASCII, dropping the top bit of
 *   every byte, so "é" in UTF-8 or Windows-1252 cannot be recovered after. Read one byte per
 *   character instead; src/main/core/library/tag-text.ts then decodes the text as UTF-8 when it
 *   is valid, else as Windows-1252, as for RIFF INFO and ID3v1.
 * - music-metadata's EBML reader takes an element of unknown size (every size bit set, as live
 *   WebM streams and some recorders write their Segment and Clusters) for a size of 2^56 bytes, and
 *   skipping it fails ("ignore length must be a non-negative safe integer"): such .weba/.webm
 *   files were skipped as unreadable. The size now reads as unknown (-1), which the reader's
 *   containers already treat as "up to the parent's end", and skipping such an element skips to
 *   the parent's end.
 */
export const PATCHES = [
  {
    target: 'music-metadata/lib/common/MetadataCollector.js',
    from: 'this.tagMapper = new CombinedTagMapper();',
    to: 'this.tagMapper = (CombinedTagMapper.shared ??= new CombinedTagMapper());',
  },
  {
    target: 'token-types/dist/lib/index.js',
    from: 'return dv(array).getUint32(offset);',
    to:
      'return offset >= 0 && offset + 4 <= array.length\n' +
      '            ? array[offset] * 0x1000000 + ((array[offset + 1] << 16) | (array[offset + 2] << 8) | array[offset + 3])\n' +
      '            : dv(array).getUint32(offset);',
  },
  {
    target: 'music-metadata/lib/aiff/AiffParser.js',
    from: "new Token.StringType(header.chunkSize, 'ascii')",
    to: "new Token.StringType(header.chunkSize, 'latin1')",
  },
  {
    target: 'music-metadata/lib/ebml/EbmlIterator.js',
    from:
      '        return {\n' +
      '            id: readUIntBE(id, id.length),\n' +
      '            len: readUIntBE(lenField, lenField.length)\n' +
      '        };',
    to:
      '        const rawLen = readUIntBeAsBigInt(lenField, lenField.length);\n' +
      '        return {\n' +
      '            id: readUIntBE(id, id.length),\n' +
      '            len: rawLen === (1n << BigInt(7 * lenField.length)) - 1n ? -1 : Number(rawLen)\n' +
      '        };',
  },
  {
    target: 'music-metadata/lib/ebml/EbmlIterator.js',
    from:
      '                        await this.tokenizer.ignore(element.len);\n' +
      '                        break;\n' +
      '                    case ParseAction.SkipSiblings:',
    to:
      '                        await this.tokenizer.ignore(element.len >= 0 ? element.len : posDone - this.tokenizer.position);\n' +
      '                        break;\n' +
      '                    case ParseAction.SkipSiblings:',
  },
  {
    target: 'music-metadata/lib/ebml/EbmlIterator.js',
    from:
      'unknown child: id=${element.id.toString(16)} at position=${elementPosition}`);\n' +
      '                        await this.tokenizer.ignore(element.len);',
    to:
      'unknown child: id=${element.id.toString(16)} at position=${elementPosition}`);\n' +
      '                        await this.tokenizer.ignore(element.len >= 0 ? element.len : posDone - this.tokenizer.position);',
  },
];

/** The file the first patch applies to, as a path suffix. */
export const PATCH_TARGET = PATCHES[0].target;

const normalise = (id) => id.split('?')[0].replaceAll('\\', '/');

/** The patches for a module id or path, in order (none for most modules). */
function patchesFor(id) {
  const p = normalise(id);
  return PATCHES.filter((x) => p.endsWith(x.target));
}

/** `code` with every patch for its module applied, in order. */
function applyAll(patches, code) {
  return patches.reduce((out, patch) => applyPatch(patch, out), code);
}

/** `code` with `patch` applied; throws if the source is not the version the patch was written for. */
export function applyPatch(patch, code) {
  const at = code.indexOf(patch.from);
  if (at < 0 || code.indexOf(patch.from, at + 1) >= 0) {
    throw new Error(
      `${patch.target} changed: update scripts/music-metadata-patch.mjs for this version`,
    );
  }
  return code.replace(patch.from, () => patch.to);
}

/** The patched source of MetadataCollector.js; throws if `code` is not the expected version. */
export function patchMetadataCollector(code) {
  return applyPatch(PATCHES[0], code);
}

/** An esbuild plugin applying the patches. */
export function esbuildMusicMetadataPatch() {
  return {
    name: 'music-metadata-patches',
    setup(build) {
      build.onLoad(
        { filter: /(MetadataCollector|AiffParser|EbmlIterator|index)\.js$/ },
        async (args) => {
          const patches = patchesFor(args.path);
          if (patches.length === 0) return undefined;
          const { readFile } = await import('node:fs/promises');
          return { contents: applyAll(patches, await readFile(args.path, 'utf8')), loader: 'js' };
        },
      );
    },
  };
}

/** The same as a Vite (Rollup) plugin. */
export function viteMusicMetadataPatch() {
  return {
    name: 'music-metadata-patches',
    transform(code, id) {
      const patches = patchesFor(id);
      if (patches.length === 0) return undefined;
      return { code: applyAll(patches, code), map: null };
    },
  };
}
