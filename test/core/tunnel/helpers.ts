/** Shared helpers of the tunnel tests: a tunnel wired to a hub with test-sized timings. */
import type { ConnectionStatus, ManifestTrack } from '../../../src/shared/contract';
import { PeerTunnel, type TunnelOptions } from '../../../src/main/core/tunnel/peer-tunnel';
import type { Hub } from '../../hub/emulator';

/** A tunnel to `hub` with fast retries; every status it emits is recorded in `statuses`. */
export function tunnelTo(
  hub: Hub,
  token = 'tc_good',
  extra: Partial<TunnelOptions> = {},
): { tunnel: PeerTunnel; statuses: ConnectionStatus[] } {
  const tunnel = new PeerTunnel({
    server: hub.url,
    token,
    allowDownloads: true,
    publishDebounceMs: 20,
    retry: { baseMs: 40, capMs: 300, slowMinMs: 2_000, slowMaxMs: 2_500 },
    ...extra,
  });
  const statuses: ConnectionStatus[] = [];
  tunnel.on('status', (s) => statuses.push(s));
  return { tunnel, statuses };
}

/** Resolve with the first status (current or future) matching `pred`; reject after `timeoutMs`. */
export function waitForStatus(
  tunnel: PeerTunnel,
  pred: (s: ConnectionStatus) => boolean,
  timeoutMs = 5_000,
): Promise<ConnectionStatus> {
  if (pred(tunnel.status)) return Promise.resolve(tunnel.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      tunnel.off('status', on);
      reject(new Error(`status not reached; last: ${JSON.stringify(tunnel.status)}`));
    }, timeoutMs);
    const on = (s: ConnectionStatus) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      tunnel.off('status', on);
      resolve(s);
    };
    tunnel.on('status', on);
  });
}

/** A short manifest of `n` valid tracks. */
export function tracks(n: number, prefix = 't'): ManifestTrack[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i.toString(16)}`,
    title: `Song ${i}`,
    artist: 'Artist',
    fileSizeBytes: 1000 + i,
    mimeType: 'audio/mpeg',
    allowDownload: i % 2 === 0,
  }));
}

/** Sleep, for bounded "nothing happens" windows. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
