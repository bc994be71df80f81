import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';

/** The file the patch applies to, as a path suffix. */
export const PATCH_TARGET: string;
/** The patched source of MetadataCollector.js; throws if `code` is not the expected version. */
export function patchMetadataCollector(code: string): string;
/** An esbuild plugin applying the patch. */
export function esbuildMusicMetadataPatch(): EsbuildPlugin;
/** The same as a Vite (Rollup) plugin. */
export function viteMusicMetadataPatch(): VitePlugin;
