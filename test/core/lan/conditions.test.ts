import { describe, expect, it } from 'vitest';
import {
  evaluatePreconditions,
  parseEtagList,
  strongEtag,
} from '../../../src/main/core/lan/conditions';

const LM = Date.parse('Sun, 06 Dec 2026 10:00:00 GMT');
const V = { etag: strongEtag('ab'.repeat(16), LM + 123), lastModified: LM };
const LM_TEXT = new Date(LM).toUTCString();

describe('evaluatePreconditions', () => {
  it('makes a strong tag from the content id and mtime, never W/', () => {
    expect(V.etag).toMatch(/^"[0-9a-f]{32}-[0-9a-z]+"$/);
    expect(strongEtag('ab'.repeat(16), LM + 124)).not.toBe(V.etag);
  });

  it('honours If-Range only for an identical strong tag or the exact Last-Modified date', () => {
    const ok = (ifRange: string) => evaluatePreconditions({ 'if-range': ifRange }, V, true);
    expect(ok(V.etag)).toEqual({ status: 'ok', honourRange: true });
    expect(ok(`W/${V.etag}`)).toEqual({ status: 'ok', honourRange: false });
    expect(ok('"other"')).toEqual({ status: 'ok', honourRange: false });
    expect(ok(LM_TEXT)).toEqual({ status: 'ok', honourRange: true });
    // A later date is not "exact" (send 1.2.1 accepts it with <=).
    expect(ok(new Date(LM + 86_400_000).toUTCString())).toEqual({
      status: 'ok',
      honourRange: false,
    });
    expect(ok('garbage')).toEqual({ status: 'ok', honourRange: false });
    expect(evaluatePreconditions({ 'if-range': V.etag }, V, false)).toEqual({
      status: 'ok',
      honourRange: false,
    });
  });

  it('answers 412 for a failing If-Match (strong) or If-Unmodified-Since', () => {
    expect(evaluatePreconditions({ 'if-match': V.etag }, V, true).status).toBe('ok');
    expect(evaluatePreconditions({ 'if-match': `"x", ${V.etag}` }, V, true).status).toBe('ok');
    expect(evaluatePreconditions({ 'if-match': '*' }, V, false).status).toBe('ok');
    expect(evaluatePreconditions({ 'if-match': '"x"' }, V, true).status).toBe(412);
    expect(evaluatePreconditions({ 'if-match': `W/${V.etag}` }, V, true).status).toBe(412);
    const before = new Date(LM - 1000).toUTCString();
    expect(evaluatePreconditions({ 'if-unmodified-since': before }, V, true).status).toBe(412);
    expect(evaluatePreconditions({ 'if-unmodified-since': LM_TEXT }, V, true).status).toBe('ok');
    // If-Match wins over If-Unmodified-Since (RFC 9110 13.2.2).
    expect(
      evaluatePreconditions({ 'if-match': V.etag, 'if-unmodified-since': before }, V, true).status,
    ).toBe('ok');
  });

  it('answers 304 for If-None-Match (weak comparison) or a fresh If-Modified-Since', () => {
    expect(evaluatePreconditions({ 'if-none-match': `W/${V.etag}` }, V, false).status).toBe(304);
    expect(evaluatePreconditions({ 'if-none-match': '"x"' }, V, false).status).toBe('ok');
    expect(evaluatePreconditions({ 'if-modified-since': LM_TEXT }, V, false).status).toBe(304);
    expect(
      evaluatePreconditions({ 'if-modified-since': new Date(LM - 1000).toUTCString() }, V, false)
        .status,
    ).toBe('ok');
    // Dates HTTP does not know are ignored, not guessed at.
    expect(evaluatePreconditions({ 'if-modified-since': '2030' }, V, false).status).toBe('ok');
  });

  it('parses entity-tag lists and stops at garbage', () => {
    expect(parseEtagList('"a", W/"b" ,"c"')).toEqual(['"a"', 'W/"b"', '"c"']);
    expect(parseEtagList('*')).toEqual(['*']);
    expect(parseEtagList('a, "b"')).toEqual([]);
  });
});
