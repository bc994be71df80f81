import { describe, it, expect } from 'vitest';
import {
  normalizeServerUrl,
  peerSocketUrl,
  redactToken,
} from '../../../src/main/core/tunnel/server-url';

describe('normalizeServerUrl', () => {
  const ok = (input: string) => {
    const r = normalizeServerUrl(input);
    if (!r.ok) throw new Error(`expected ok for ${input}: ${r.error}`);
    return r.url;
  };

  it('trims, assumes https and strips trailing slash, query and hash', () => {
    expect(ok('  music.example.org  ')).toBe('https://music.example.org');
    expect(ok('music.example.org/')).toBe('https://music.example.org');
    expect(ok('https://music.example.org/?a=1#x')).toBe('https://music.example.org');
    expect(ok('HTTPS://Music.Example.org')).toBe('https://music.example.org');
  });

  it('keeps ports and path prefixes', () => {
    expect(ok('http://127.0.0.1:4100')).toBe('http://127.0.0.1:4100');
    expect(ok('localhost:4100')).toBe('https://localhost:4100');
    expect(ok('https://example.org/tunecamp/')).toBe('https://example.org/tunecamp');
    expect(ok('https://example.org/a/b//')).toBe('https://example.org/a/b');
  });

  it('refuses other schemes, empty input and credentials', () => {
    for (const bad of [
      '',
      '   ',
      'ftp://example.org',
      'ws://example.org',
      'file:///etc',
      'javascript:alert(1)',
    ]) {
      expect(normalizeServerUrl(bad).ok, bad).toBe(false);
    }
    const creds = normalizeServerUrl('https://bob:secret@example.org');
    expect(creds.ok).toBe(false);
    if (!creds.ok) expect(creds.error).not.toContain('secret');
  });
});

describe('addresses that cannot be what the user meant', () => {
  it.each([
    ['http//127.0.0.1:47800', 'http://127.0.0.1:47800'],
    ['https//music.example.org', 'https://music.example.org'],
    ['htps://music.example.org', 'https://music.example.org'],
    ['http:/music.example.org', 'http://music.example.org'],
    ['http:\\\\music.example.org', 'http://music.example.org'],
    ['wss://music.example.org', 'https://music.example.org'],
    ['music example.org', 'musicexample.org'],
  ])('refuses %s and suggests %s', (typed, suggestion) => {
    const r = normalizeServerUrl(typed);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(`did you mean ${suggestion}?`);
  });

  it('still accepts hosts that merely start with "http"', () => {
    expect(normalizeServerUrl('httpbin.org')).toEqual({ ok: true, url: 'https://httpbin.org' });
    expect(normalizeServerUrl('http.example.org/x')).toEqual({
      ok: true,
      url: 'https://http.example.org/x',
    });
  });
});

describe('peerSocketUrl', () => {
  it('maps http→ws and https→wss, keeping the prefix', () => {
    expect(peerSocketUrl('http://127.0.0.1:4100', 'tc_x', true)).toBe(
      'ws://127.0.0.1:4100/ws/peer?token=tc_x&allowDownloads=true',
    );
    expect(peerSocketUrl('https://example.org/tunecamp', 'tc_x', false)).toBe(
      'wss://example.org/tunecamp/ws/peer?token=tc_x&allowDownloads=false',
    );
  });

  it('URL-encodes the token', () => {
    const url = peerSocketUrl('https://example.org', 'a b&c=d/+', true);
    expect(new URL(url).searchParams.get('token')).toBe('a b&c=d/+');
    expect(new URL(url).searchParams.get('allowDownloads')).toBe('true');
  });
});

describe('redactToken', () => {
  it('removes token values from URLs, JSON-ish text and Bearer headers', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig';
    const text = [
      `ws://h/ws/peer?token=${jwt}&allowDownloads=true`,
      `{"token":"tc_abc123"}`,
      `token: tc_zzz`,
      `Authorization: Bearer ${jwt}`,
    ].join('\n');
    const out = redactToken(text);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('tc_abc123');
    expect(out).not.toContain('tc_zzz');
    expect(out).toContain('allowDownloads=true');
    expect(out).toContain('token=***');
  });

  it('leaves text without tokens alone', () => {
    expect(redactToken('Connected to https://example.org')).toBe(
      'Connected to https://example.org',
    );
  });
});
