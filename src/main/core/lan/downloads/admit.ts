/**
 * The gate between a response and the part file: nothing is written until the answer is known to
 * continue the bytes already there (a 206 from the right byte of the same version) or to replace
 * them (a 200: a new version, or a server that ignores ranges).
 */
import type { FileHandle } from 'node:fs/promises';
import { writeSidecar, type Sidecar } from './sidecar';
import { DownloadError, parseContentRange, parseUnsatisfiedTotal } from './transport';

/** What one download carries from attempt to attempt. */
export interface RunState {
  /** Body bytes received so far, over all attempts. */
  fetched: number;
  /** The next attempt starts from byte 0 without Range (the server's ranges were refused). */
  fromZero: boolean;
}

/**
 * Checks an answer before a byte of it is written; returns the sidecar its body continues and
 * the last byte it brings.
 * A 200 is a new version (or a server ignoring ranges): the sidecar is reset before the part.
 */
export async function admit(
  res: Response,
  job: { url: string; trackId: string },
  sc: Sidecar | undefined,
  offset: number,
  sidecarFile: string,
  fh: FileHandle,
  state: RunState,
): Promise<{ sidecar: Sidecar; end: number }> {
  const refuse = async (why: string, retryable = true, restart = false): Promise<never> => {
    await res.body?.cancel().catch(() => undefined);
    if (restart) state.fromZero = true;
    throw new DownloadError(why, retryable, res.status);
  };
  const enc = res.headers.get('content-encoding');
  if (enc && enc !== 'identity') await refuse(`Refused a compressed answer (${enc})`, false);
  if (res.status === 401 || res.status === 403)
    await refuse(`Refused by the peer (${res.status}): the token is wrong or revoked`, false);
  // A resumed track may be missing while a restarted peer rescans; a new one is simply unknown.
  if (res.status === 404)
    await refuse('The peer does not share this track (404)', sc !== undefined);
  if (res.status === 416) {
    const total = parseUnsatisfiedTotal(res.headers.get('content-range'));
    await refuse(`The peer refused byte ${offset} of ${total ?? '?'} (416)`, true, true);
  }
  if (res.status === 206) {
    const cr = parseContentRange(res.headers.get('content-range'));
    const etag = res.headers.get('etag');
    // VLC and Chromium refuse these too: joining bytes from elsewhere would corrupt the file.
    if (!sc || !cr || cr.start !== offset)
      await refuse(
        `Refused a range starting at ${cr?.start ?? '?'}: asked for ${offset}`,
        true,
        true,
      );
    if (cr!.total !== sc!.size || (etag !== null && etag !== sc!.etag))
      await refuse('The range is from another version of the file', true, true);
    state.fromZero = false;
    return { sidecar: sc!, end: cr!.end };
  }
  if (res.status !== 200) await refuse(`The peer answered ${res.status}`);
  const size = Number(res.headers.get('content-length') ?? NaN);
  if (!Number.isSafeInteger(size) || size < 0)
    await refuse('The answer has no Content-Length', false);
  const etag = res.headers.get('etag') ?? '';
  const fresh: Sidecar = {
    v: 1,
    url: job.url,
    trackId: job.trackId,
    // Only a strong tag can pin a resume to this version (RFC 9110 13.1.5).
    etag: /^"[^"]*"$/.test(etag) ? etag : '',
    size,
    confirmed: 0,
  };
  // Sidecar first: from here on, no older bytes in the part count as confirmed.
  await writeSidecar(sidecarFile, fresh);
  await fh.truncate(0);
  state.fromZero = false;
  return { sidecar: fresh, end: size - 1 };
}
