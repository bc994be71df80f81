import { describe, it, expect } from 'vitest';
import { problemForError, problemForStatus, scrub } from '../../../src/main/core/tunnel/problems';

const SERVER = 'https://music.example.org';
const err = (message: string, code?: string) =>
  Object.assign(new Error(message), code ? { code } : {});

describe('problemForStatus', () => {
  it('maps refusals to codes and actionable messages', () => {
    expect(problemForStatus(401, SERVER)).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(problemForStatus(401, SERVER).message).toMatch(
      /^Token rejected by server \(401\): log in again/,
    );
    expect(problemForStatus(403, SERVER).message).toMatch(
      /Ask an administrator to enable Peer Sharing/,
    );
    expect(problemForStatus(503, SERVER)).toMatchObject({
      code: 'sharing-disabled',
      failure: { kind: 'http', status: 503 },
    });
    expect(problemForStatus(404, SERVER)).toMatchObject({
      code: 'not-tunecamp',
      failure: { kind: 'not-tunecamp' },
    });
    expect(problemForStatus(200, SERVER).code).toBe('not-tunecamp');
    expect(problemForStatus(302, SERVER).code).toBe('not-tunecamp');
    expect(problemForStatus(502, SERVER)).toMatchObject({
      code: 'server-error',
      failure: { kind: 'http', status: 502 },
    });
  });
});

describe('problemForError', () => {
  it('names the failure without the socket URL or token', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
    const leaky = err(
      `connect failed for wss://music.example.org/ws/peer?token=${token}&allowDownloads=true`,
    );
    const p = problemForError(leaky, SERVER, token);
    expect(p.code).toBe('unreachable');
    expect(p.message).not.toContain(token);
    expect(
      problemForError(err('getaddrinfo ENOTFOUND x', 'ENOTFOUND'), SERVER, token).message,
    ).toMatch(/Cannot find server music\.example\.org \(DNS: ENOTFOUND\)/);
    expect(
      problemForError(err('connect ECONNREFUSED', 'ECONNREFUSED'), SERVER, token).message,
    ).toMatch(/refused/);
    expect(problemForError(err('Opening handshake has timed out'), SERVER, token).message).toMatch(
      /Timed out/,
    );
    expect(
      problemForError(
        err('Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'),
        SERVER,
        token,
      ),
    ).toMatchObject({
      code: 'server-error',
    });
    expect(
      problemForError(err('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), SERVER, token)
        .message,
    ).toMatch(/certificate of music\.example\.org is self-signed/);
  });
});

describe('scrub', () => {
  it('removes the literal secret, raw and URL-encoded, even outside token= values', () => {
    const secret = 'a b/c+d';
    const out = scrub(`x ${secret} y ${encodeURIComponent(secret)} z token=abc`, secret);
    expect(out).toBe('x *** y *** z token=***');
  });
});
