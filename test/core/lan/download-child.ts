/**
 * A downloader in a process of its own, for kill -9 tests: `node --import tsx download-child.ts
 * URL TRACK_ID DEST TOKEN`. Paced at 16 MiB/s with small commits, so a kill at a random moment
 * lands anywhere: mid-body, mid-commit, mid-rename. Prints `ready` when it starts, `done` at the end.
 */
import { fetchTrack } from '../../../src/main/core/lan/downloads/fetch-track';
import { bearerFetch } from '../../../src/main/core/lan/downloads/transport';
import { paced } from './download-helpers';

const [url, trackId, dest, token] = process.argv.slice(2) as [string, string, string, string];
process.stdout.write('ready\n');
await fetchTrack(
  { url, trackId, dest },
  {
    fetch: paced(bearerFetch(token), 16 * 1024 * 1024),
    signal: new AbortController().signal,
    commit: { commitBytes: 256 * 1024, commitMs: 100 },
    retryDelay: () => 50,
  },
);
process.stdout.write('done\n');
