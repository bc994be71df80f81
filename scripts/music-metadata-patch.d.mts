import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';

/** One exact replacement in one dependency file (`target`: a path suffix under node_modules). */
export interface SourcePatch {
  target: string;
  from: string;
  to: string;
}
/** Every patch applied at bundle time. */
export const PATCHES: readonly SourcePatch[];
/** The file the first patch applies to, as a path suffix. */
export const PATCH_TARGET: string;
/** `code` with `patch` applied; throws if the source is not the version the patch was written for. */
export function applyPatch(patch: SourcePatch, code: string): string;
/** The patched source of MetadataCollector.js; throws if `code` is not the expected version. */
export function patchMetadataCollector(code: string): string;
/** An esbuild plugin applying the patches. */
export function esbuildMusicMetadataPatch(): EsbuildPlugin;
/** The same as a Vite (Rollup) plugin. */
export function viteMusicMetadataPatch(): VitePlugin;
