import { spawn, execFileSync } from 'node:child_process';
import { BIN, run } from './helpers';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { CORPUS, tempDir } from '../e2e/helpers';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'tc_super_secret_token_value_123';

describe('tunecamp-share (the headless daemon, as a child process)', () => {
  let dir: string;
  let music: string;
  let hub: Hub;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
    dir = await tempDir('cli');
    music = path.join(dir, 'music');
    await mkdir(music);
    for (const f of ['id3v2.3.mp3', 'flac.flac', 'issue_75.wav', 'not-an-audio-file.txt']) {
      await writeFile(path.join(music, f), await readFile(path.join(CORPUS, f)));
    }
    await writeFile(path.join(music, 'broken.mp3'), Buffer.from('this is not audio at all'));
    hub = await startHub({ tokens: { [SECRET]: { username: 'maria' } } });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints help and the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--scan-only');
    expect((await run(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['--bogus'], /Unknown option --bogus/],
    [['--server', 'ftp://x.org', '--share', '/tmp'], /bad --server address/],
    [
      ['--server', 'http//127.0.0.1:47800', '--share', '/tmp'],
      /did you mean http:\/\/127\.0\.0\.1:47800\?/,
    ],
    [['--server', 'https://x.org', '--share', '/definitely/not/here'], /folder not found/],
    [['--scan-only'], /nothing to scan/],
  ])('fails fast with one line and exit 2 for %j', async (args, message) => {
    const r = await run([...args, '--state-dir', path.join(dir, 'state-bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(hub.upgrades).toHaveLength(0);
  });

  it('refuses a file where a folder is expected', async () => {
    const r = await run(['--server', hub.url, '--share', path.join(music, 'flac.flac')], {
      TUNECAMP_TOKEN: SECRET,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a folder/);
  });

  it('--scan-only --json prints the exact manifest', async () => {
    const r = await run([
      '--scan-only',
      '--json',
      '--share',
      music,
      '--state-dir',
      path.join(dir, 's1'),
    ]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.stdout) as {
      id: string;
      title: string;
      mimeType: string;
      fileSizeBytes: number;
    }[];
    expect(manifest.map((t) => t.mimeType).sort()).toEqual([
      'audio/flac',
      'audio/mpeg',
      'audio/wav',
    ]);
    const flac = manifest.find((t) => t.mimeType === 'audio/flac')!;
    expect(flac.fileSizeBytes).toBe((await readFile(path.join(music, 'flac.flac'))).length);
  });

  it('--scan-only prints formats and skipped files with reasons', async () => {
    const r = await run(['--scan-only', '--share', music, '--state-dir', path.join(dir, 's2')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 tracks to publish/);
    expect(r.stdout).toMatch(/1 files skipped/);
    expect(r.stdout).toMatch(/broken\.mp3: .+/);
    // Every other file is accounted for too: counted by kind as not audio.
    expect(r.stdout).toMatch(/not audio, ignored: 1 text or document/);
  });

  it('reads the tunecamp-peer environment, publishes, and never prints the token', async () => {
    const before = hub.upgrades.length;
    const r = await run(
      ['--state-dir', path.join(dir, 's3')],
      {
        TUNECAMP_TOKEN: SECRET,
        TUNECAMP_SERVER: hub.url,
        TUNECAMP_SHARE: music,
        TUNECAMP_ALLOW_DOWNLOADS: 'false',
      },
      { until: (out) => /(published 3 tracks|3 tracks published)/.test(out) },
    );
    expect(r.code).toBe(0);
    expect(hub.upgrades.length).toBeGreaterThan(before);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const log = await readFile(path.join(dir, 's3', 'logs', 'tunecamp-share.log'), 'utf8');
    expect(log).not.toContain(SECRET);
    // Each skipped file with its reason, once per scan.
    expect(log.split(`Skipped ${path.join(music, 'broken.mp3')}: `)).toHaveLength(2);
    expect(await readFile(path.join(dir, 's3', 'scan-cache.json'), 'utf8')).toContain('flac.flac');
  });

  it('warns about --token on the command line', async () => {
    const r = await run(
      [
        '--server',
        hub.url,
        '--share',
        music,
        '--token',
        SECRET,
        '--state-dir',
        path.join(dir, 's4'),
      ],
      {},
      {
        until: (out) => /connected to/.test(out),
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/visible to other local users/);
    expect(r.stdout + r.stderr.replace(/--token/g, '')).not.toContain(SECRET);
  });

  it('exits with status 3 and one line when the token is rejected (401), without a control window', async () => {
    const r = await run(
      ['--server', hub.url, '--share', music, '--state-dir', path.join(dir, 's5')],
      {
        TUNECAMP_TOKEN: 'tc_wrong_token_abcdef',
      },
    );
    expect(r.code).toBe(3);
    expect(r.stderr.match(/Token rejected by server \(401\)/g)).toHaveLength(1);
    expect(r.stderr).not.toContain('tc_wrong_token_abcdef');
    // The lock is released: a new run on the same state dir is not refused.
    const again = await run(
      ['--server', hub.url, '--share', music, '--state-dir', path.join(dir, 's5')],
      {
        TUNECAMP_TOKEN: 'tc_wrong_token_abcdef',
      },
    );
    expect(again.code).toBe(3);
  });

  it('refuses a second daemon on the same state dir', async () => {
    const state = path.join(dir, 's6');
    const first = spawn(
      process.execPath,
      [BIN, '--server', hub.url, '--share', music, '--state-dir', state],
      {
        env: { PATH: process.env.PATH, TUNECAMP_TOKEN: SECRET },
        stdio: 'ignore',
      },
    );
    try {
      await hub.waitFor(() => hub.sessions().some((s) => s.username === 'maria'), 10_000);
      const second = await run(['--server', hub.url, '--share', music, '--state-dir', state], {
        TUNECAMP_TOKEN: SECRET,
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Another tunecamp-share \(pid \d+\) is already using/);
    } finally {
      first.kill('SIGTERM');
      await new Promise((r) => first.once('exit', r));
    }
  });

  it('reads --config and reloads it on SIGHUP', async () => {
    const other = path.join(dir, 'other');
    await mkdir(other, { recursive: true });
    await writeFile(
      path.join(other, 'x.flac'),
      await readFile(path.join(CORPUS, 'MusicBrainz-Picard-tags.flac')),
    );
    const config = path.join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        server: hub.url,
        folders: [{ path: music, download: 'inherit', exclude: [] }],
      }),
    );
    const child = spawn(
      process.execPath,
      [BIN, '--config', config, '--state-dir', path.join(dir, 's7')],
      {
        env: { PATH: process.env.PATH, TUNECAMP_TOKEN: SECRET },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await hub.waitFor(
        () => hub.sessions().some((s) => s.username === 'maria' && s.tracks.length === 3),
        10_000,
      );
      await writeFile(
        config,
        JSON.stringify({
          server: hub.url,
          folders: [
            { path: music, download: 'deny', exclude: ['*.wav'] },
            { path: other, download: 'inherit', exclude: [] },
          ],
        }),
      );
      child.kill('SIGHUP');
      await hub.waitFor(() => {
        const t = hub.sessions().find((s) => s.username === 'maria')?.tracks ?? [];
        return t.length === 3 && t.filter((x) => x.allowDownload === false).length === 2;
      }, 10_000);
      expect(err).toMatch(/reloaded/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('logs what the watcher finds in the folders, not the play count a finished stream bumps', async () => {
    const live = path.join(dir, 'live');
    await mkdir(live, { recursive: true });
    await writeFile(path.join(live, 'a.mp3'), await readFile(path.join(CORPUS, 'id3v2.3.mp3')));
    const child = spawn(
      process.execPath,
      [BIN, '--server', hub.url, '--share', live, '--state-dir', path.join(dir, 's9')],
      {
        env: { PATH: process.env.PATH, TUNECAMP_TOKEN: SECRET },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const session = () => hub.sessions().find((s) => s.username === 'maria');
      await hub.waitFor(() => session()?.tracks.length === 1 && /published/.test(err), 10_000);
      const s = session()!;
      const res = await fetch(
        `${hub.url}/api/peers/${s.id}/tracks/${s.tracks[0]!.id}/stream?token=${SECRET}`,
      );
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(s.tracks[0]!.fileSizeBytes);
      await writeFile(path.join(live, 'b.flac'), await readFile(path.join(CORPUS, 'flac.flac')));
      await hub.waitFor(() => /library: 1 added/.test(err), 10_000);
      expect(err).not.toMatch(/changed/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('refuses an invalid config file with one line', async () => {
    const config = path.join(dir, 'bad.json');
    await writeFile(config, '{ "server": "https://x.org", }');
    const r = await run(['--config', config, '--state-dir', path.join(dir, 's8')], {
      TUNECAMP_TOKEN: SECRET,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json/);
  });
});
