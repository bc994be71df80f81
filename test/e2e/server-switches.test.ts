import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/shared/contract';
import type { Engine } from '../../src/main/core/engine';
import { STREAMING_ONLY } from '../../src/main/core/engine-connection';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav, startEngine, tempDir } from './helpers';

let hub: Hub;
let dir: string;
let music: string;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  hub = await startHub();
  dir = await tempDir('switches');
  music = path.join(dir, 'music');
  await mkdir(music);
  await writeFile(path.join(music, 'a.wav'), makeWav(20_000, 1));
  await writeFile(path.join(music, 'b.wav'), makeWav(20_000, 2));
});

afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
  await hub.close();
});

/** Resolves with the engine's connection status once `pred` holds (bounded). */
async function connection(engine: Engine, pred: (s: ConnectionStatus) => boolean) {
  let status = (await engine.invoke('getSnapshot')).connection;
  const off = engine.on('connection', (s) => (status = s));
  try {
    await hub.waitFor(() => pred(status), 10_000);
    return status;
  } finally {
    off();
  }
}

describe("the server's download switch (GET /api/peers/status)", () => {
  it('is read on every connect and shown in the status, the log and the Download column', async () => {
    hub.setDownloads(false);
    const lines: string[] = [];
    const log = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error() {},
    };
    const e = await startEngine(hub, [music], { extra: { log } });
    stops.push(e.stop);
    const off = await connection(e.engine, (s) => s.serverAllowsDownloads === false);
    expect(off.state).toBe('connected');
    expect(lines).toContain(STREAMING_ONLY);
    const tracks = await e.engine.invoke('listTracks');
    expect(tracks.length).toBe(2);
    expect(tracks.every((t) => !t.allowDownload)).toBe(true);

    // The admin switches downloads back on; the next session reads it.
    hub.setDownloads(true);
    hub.kick(off.sessionId!);
    const on = await connection(
      e.engine,
      (s) => s.serverAllowsDownloads === true && s.sessionId !== off.sessionId,
    );
    expect(on.state).toBe('connected');
    expect(lines).toContain('This server allows downloads again.');
    expect((await e.engine.invoke('listTracks')).every((t) => t.allowDownload)).toBe(true);
  });
});

describe('a second sharer on the same account', () => {
  it('is watched while backing off, and the account comes back within seconds once it quits', async () => {
    // The first sharer backs off for a whole minute after the conflict; the second keeps trying.
    const first = await startEngine(hub, [music], {
      extra: {
        tunnel: {
          retry: { baseMs: 50, capMs: 400, slowMinMs: 60_000, slowMaxMs: 60_000 },
          conflictPollMs: 50,
        },
      },
    });
    stops.push(first.stop);
    await connection(first.engine, (s) => s.state === 'connected' && s.username === 'alice');
    const second = await startEngine(hub, [music], {
      extra: { tunnel: { retry: { baseMs: 50, capMs: 400, slowMinMs: 100, slowMaxMs: 150 } } },
    });
    let secondStopped = false;
    stops.push(async () => {
      if (!secondStopped) await second.stop();
    });
    const waiting = await connection(
      first.engine,
      (s) => s.state === 'waiting' && s.problem?.code === 'conflict',
    );
    expect(waiting.nextRetryAt! - Date.now()).toBeGreaterThan(30_000);
    await connection(second.engine, (s) => s.state === 'connected');
    // The first sharer's watch has seen the second one's session at least once since.
    const polls = () => hub.requests.filter((r) => r === 'GET /api/peers').length;
    const seen = polls();
    await hub.waitFor(() => polls() >= seen + 2);
    secondStopped = true;
    await second.stop();
    const back = await connection(first.engine, (s) => s.state === 'connected');
    expect(back.sessionId).toBeDefined();
    expect(hub.sessions().map((s) => s.username)).toEqual(['alice']);
  });
});
