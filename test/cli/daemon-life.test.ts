import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { CORPUS, tempDir } from '../e2e/helpers';
import { callRemote, controlUrl, openLink, run } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOOD = 'tc_good_token_for_maria_0001';
const BARRED = 'tc_token_of_an_account_that_may_not_share';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('the daemon from start to exit', () => {
  let dir: string;
  let music: string;
  let hub: Hub;
  let n = 0;
  const state = () => path.join(dir, `state-${++n}`);

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
    dir = await tempDir('daemon-life');
    music = path.join(dir, 'music');
    await mkdir(music);
    await cp(path.join(CORPUS, 'id3v2.3.mp3'), path.join(music, 'a.mp3'));
    hub = await startHub({
      tokens: { [GOOD]: { username: 'maria' }, [BARRED]: { username: 'bob', canShare: false } },
    });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits with status 3 and one line when the account may not share (403)', async () => {
    const r = await run(['--server', hub.url, '--share', music, '--state-dir', state()], {
      TUNECAMP_TOKEN: BARRED,
    });
    expect(r.code).toBe(3);
    expect(r.stderr.match(/does not allow this account to share/g)).toHaveLength(1);
  });

  it('with a control window, a refused token waits there for a new sign-in', async () => {
    let url: string | undefined;
    let asked = false;
    const r = await run(
      ['--server', hub.url, '--share', music, '--state-dir', state(), '--ui-port', '0'],
      { TUNECAMP_TOKEN: 'tc_not_a_known_token' },
      {
        until: (out) => {
          url ??= controlUrl(out);
          if (url && !asked && /Waiting for a new sign-in/.test(out)) {
            asked = true;
            void callRemote(url, 'connect', [{ server: hub.url, token: GOOD }]).catch(() => {});
          }
          return /connected to/.test(out);
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Token rejected by server \(401\).*Waiting for a new sign-in/);
  });

  it('starts without a token when there is a control window, and is signed in from it', async () => {
    const before = hub.upgrades.length;
    let url: string | undefined;
    let asked = false;
    const r = await run(
      ['--server', hub.url, '--share', music, '--state-dir', state(), '--ui-port', '0'],
      {},
      {
        until: (out) => {
          url ??= controlUrl(out);
          if (url && !asked && /not signed in/.test(out)) {
            asked = true;
            void callRemote(url, 'connect', [{ server: hub.url, token: GOOD }]).catch(() => {});
          }
          return /connected to/.test(out);
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not signed in: sign in from the control window/);
    expect(hub.upgrades.slice(before).some((u) => u.status === 101)).toBe(true);
  });

  it.each([
    ['environment', [] as string[], { TUNECAMP_TOKEN: GOOD }],
    ['token-file', ['--token-file', 'TOKEN_FILE'], {}],
  ])('tells the window where the token really is: %s', async (where, extra, env) => {
    const tokenFile = path.join(dir, 'token.txt');
    await writeFile(tokenFile, GOOD);
    const args = extra.map((a) => (a === 'TOKEN_FILE' ? tokenFile : a));
    let url: string | undefined;
    let asked = false;
    let snapshot: { tokenLocation?: string } | undefined;
    let child: { kill(): void } | undefined;
    const r = await run(
      ['--server', hub.url, '--share', music, '--state-dir', state(), '--ui-port', '0', ...args],
      env,
      {
        onChild: (c) => (child = c),
        until: (out) => {
          url ??= controlUrl(out);
          if (url && !asked && /connected to/.test(out)) {
            asked = true;
            void callRemote(url, 'getSnapshot', []).then((s) => {
              snapshot = s as typeof snapshot;
              child?.kill();
            });
          }
          return false;
        },
      },
    );
    expect(r.code).toBe(0);
    expect(snapshot?.tokenLocation).toBe(where);
  });

  it('prints a one-time control window link, and a new one on SIGUSR2', async () => {
    const links: string[] = [];
    let child: { kill(signal: NodeJS.Signals): void } | undefined;
    let step = 0;
    const statuses: number[] = [];
    const r = await run(
      ['--server', hub.url, '--share', music, '--state-dir', state(), '--ui-port', '0'],
      { TUNECAMP_TOKEN: GOOD },
      {
        onChild: (c) => (child = c),
        until: (out) => {
          const found = [...out.matchAll(/Control window: (\S+)/g)].map((m) => m[1]!);
          if (found.length === 1 && step === 0) {
            step = 1;
            links.push(found[0]!);
            void (async () => {
              statuses.push((await openLink(links[0]!)).status, (await openLink(links[0]!)).status);
              child?.kill('SIGUSR2');
            })();
          } else if (found.length >= 2 && step === 1) {
            step = 2;
            links.push(found[1]!);
            void (async () => {
              statuses.push((await openLink(links[1]!)).status, (await openLink(links[0]!)).status);
              child?.kill('SIGTERM');
            })();
          }
          return false;
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/link works once; kill -USR2 \d+ prints a new one/);
    expect(links[1]).not.toBe(links[0]);
    // First open: a session (303 + cookie); again: gone (410). The new link works; the old stays dead.
    expect(statuses).toEqual([303, 410, 303, 410]);
  });

  it('still refuses to start with no token and no control window', async () => {
    const r = await run(['--server', hub.url, '--share', music, '--state-dir', state()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no token: .*control window/);
  });

  it('prints one line per retry, not the warning and the reconnect beside it', async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(
      ['--server', server, '--share', music, '--state-dir', state()],
      {
        TUNECAMP_TOKEN: GOOD,
      },
      { until: (out) => (out.match(/retrying in/g) ?? []).length >= 3 },
    );
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    const retries = lines.filter((l) => /retrying in/.test(l));
    expect(retries.length).toBeGreaterThanOrEqual(3);
    // Besides the retries: the first "connecting" line and the "stopping" line, nothing else.
    expect(lines.filter((l) => !/retrying in/.test(l)).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      `connecting to ${server}…`,
      'SIGTERM: stopping',
    ]);
  });

  it('says what Ctrl-C interrupted during --scan-only, and exits 130', async () => {
    const r = await run(
      ['--scan-only', '--share', CORPUS, '--state-dir', state()],
      {},
      {
        until: (out) => /scanning 1 folder/.test(out),
        signal: 'SIGINT',
      },
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: the scan stopped after \d+ of \d+ files found so far/);
    expect(r.stdout).toBe('');
  });

  const canMount =
    spawnSync('unshare', ['-rm', 'mount', '-t', 'tmpfs', 'tmpfs', '/mnt']).status === 0;
  it.skipIf(!canMount)(
    'with the state folder on a full disk, SIGTERM saves what fits, says what did not, releases the lock and exits 0',
    async () => {
      const st = path.join(dir, 'full-state');
      const songs = path.join(dir, 'full-music');
      await mkdir(st);
      await mkdir(songs);
      await cp(path.join(CORPUS, 'id3v2.3.mp3'), path.join(songs, 'a.mp3'));
      const report = path.join(dir, 'full-report');
      // A private 1 MiB tmpfs on the state folder (user and mount namespace: no root needed).
      // The script fills it once the daemon has published, adds a song so the cache has news
      // to save, waits for the watcher to see it, then stops the daemon.
      const script = `
        mount -t tmpfs -o size=1m tmpfs "${st}" || exit 97
        "${process.execPath}" "${path.join(ROOT, 'bin/tunecamp-share.js')}" --server "${hub.url}" --share "${songs}" --state-dir "${st}" 2>"${report}.err" &
        pid=$!
        until grep -q "published 1 tracks\\|, 1 tracks published" "${report}.err" 2>/dev/null; do sleep 0.05; done
        cat /dev/zero > "${st}/filler" 2>/dev/null
        cp "${path.join(CORPUS, 'id3v2.4.mp3')}" "${songs}/b.mp3"
        until grep -q "library: 1 added" "${report}.err" 2>/dev/null; do sleep 0.05; done
        kill -TERM $pid; wait $pid; echo "exit=$?"
        ls -a "${st}"`;
      const r = await run(
        ['-rm', 'sh', '-c', script],
        { TUNECAMP_TOKEN: GOOD },
        {
          command: ['unshare'],
          timeoutMs: 30_000,
        },
      );
      const err = await readFile(`${report}.err`, 'utf8');
      expect(r.stdout).toMatch(/exit=0/);
      expect(r.stdout).not.toMatch(/daemon\.lock/);
      expect(err).not.toMatch(/ENOSPC|\n\s+at /);
      expect(err.match(/not saved: scan cache \(the disk is full\)/g)).toHaveLength(1);
      await writeFile(report, err);
    },
  );
});
