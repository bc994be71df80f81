/**
 * Shared pieces of the browser tests: build the renderer into a private temp folder, serve it over
 * node:http on a loopback port (with a fake daemon's remote-control socket at /remote), launch
 * Chromium.
 */
import { createServer, type Server } from 'node:http';
import { readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type RawData } from 'ws';
import type { Api, CommandName, EventName } from '../../src/shared/contract';
import { EVENT_NAMES } from '../../src/shared/contract';
import { REMOTE_CLOSE_UNAUTHORIZED } from '../../src/shared/remote-protocol';
import { buildRendererInto, launchChromium } from '../e2e/ui-helpers';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS = join(ROOT, 'test-artifacts/screenshots');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/**
 * Build the current renderer into a fresh temp folder and return it; `removeBuild` deletes it.
 * Never out/renderer: `npm run build` and other test files write (and empty) that folder while
 * this one runs. The build itself is the e2e tests' buildRendererInto, shared, not copied.
 */
export async function buildRenderer(): Promise<string> {
  return buildRendererInto('renderer-ui');
}

/** Delete a folder made by buildRenderer (afterAll). */
export async function removeBuild(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/**
 * Serve the built renderer in `dir` on 127.0.0.1:0. When `daemon` is given, /remote speaks the
 * remote-control protocol in front of it, accepting only `token` (4401 otherwise), like the
 * headless daemon.
 */
export async function serve(
  dir: string,
  daemon?: {
    api: Api;
    token: string;
  },
): Promise<{ base: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path === '/' ? 'index.html' : path);
    // Path traversal: only files inside the build folder are served.
    if (!file.startsWith(root + sep)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
            // frame-ancestors only works as a header (Chromium ignores it in the meta tag).
            'content-security-policy': "frame-ancestors 'none'",
          })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  const wss = daemon ? new WebSocketServer({ server, path: '/remote' }) : undefined;
  wss?.on('connection', (ws) => {
    let authed = false;
    const offs: (() => void)[] = [];
    ws.on('close', () => offs.forEach((off) => off()));
    ws.on('message', async (raw: RawData) => {
      const msg = JSON.parse(String(raw)) as {
        t: string;
        token?: string;
        id?: number;
        name?: CommandName;
        args?: unknown[];
      };
      if (!authed) {
        if (msg.t !== 'hello' || msg.token !== daemon!.token)
          return ws.close(REMOTE_CLOSE_UNAUTHORIZED, 'bad token');
        authed = true;
        for (const name of EVENT_NAMES) {
          offs.push(
            daemon!.api.on(name as EventName, (payload) =>
              ws.send(JSON.stringify({ t: 'event', name, payload })),
            ),
          );
        }
        return ws.send(JSON.stringify({ t: 'ready' }));
      }
      try {
        const invoke = daemon!.api.invoke as (n: CommandName, ...a: unknown[]) => Promise<unknown>;
        const value = await invoke(msg.name!, ...(msg.args ?? []));
        ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: true, value: value ?? null }));
      } catch (err) {
        ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: false, error: String(err) }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      for (const c of wss?.clients ?? []) c.terminate();
      wss?.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Debian's Chromium, headless (the shared launcher of the browser tests). */
export const launch = launchChromium;
