/**
 * Where the listener page's script comes from: the built file beside this bundle
 * (`dist/room-page.js` for the daemon, `out/main/room-page.js` for the app, both built from
 * src/room-page/listener.ts by scripts/room-page.mjs), or, when running from the TypeScript
 * sources (tests, tsx), built on first use with esbuild from the sources.
 */
import { readFile } from 'node:fs/promises';

/** A cached loader of the page's script for a module at `moduleUrl`. */
export function roomPageScript(moduleUrl: string = import.meta.url): () => Promise<string> {
  let cached: Promise<string> | null = null;
  return () => {
    cached ??= (
      moduleUrl.endsWith('.ts') ? buildFromSources(moduleUrl) : readBuilt(moduleUrl)
    ).catch((err: Error) => {
      cached = null; // a missing build may be made later; try again next time
      throw err;
    });
    return cached;
  };
}

function readBuilt(moduleUrl: string): Promise<string> {
  return readFile(new URL('./room-page.js', moduleUrl), 'utf8');
}

async function buildFromSources(moduleUrl: string): Promise<string> {
  // Through a URL: bundlers leave it alone, and the built app never takes this path.
  const script = new URL('../../../../../scripts/room-page.mjs', moduleUrl).href;
  const { buildRoomPage } = (await import(script)) as { buildRoomPage: () => Promise<string> };
  return buildRoomPage();
}
