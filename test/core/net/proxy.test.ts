import { afterEach, describe, expect, it } from 'vitest';
import { ProxyConfigError, proxyFor } from '../../../src/main/core/net/proxy';

const VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];
afterEach(() => {
  for (const v of [...VARS, 'NO_PROXY', 'no_proxy']) delete process.env[v];
});

const via = (target: string) => proxyFor(target)?.label ?? 'direct';

describe('proxyFor', () => {
  it('takes HTTPS_PROXY for https and wss, HTTP_PROXY for http and ws, either case', () => {
    process.env.https_proxy = 'http://secure.proxy:3128';
    process.env.HTTP_PROXY = 'http://plain.proxy:8080';
    expect(via('https://music.example.com')).toBe('http://secure.proxy:3128');
    expect(via('wss://music.example.com/ws/peer?token=x')).toBe('http://secure.proxy:3128');
    expect(via('http://music.example.com')).toBe('http://plain.proxy:8080');
    expect(via('ws://music.example.com/ws/peer')).toBe('http://plain.proxy:8080');
  });

  it('NO_PROXY: exact host, .suffix and *.suffix, host:port, and * alone', () => {
    process.env.HTTPS_PROXY = 'http://p:1';
    process.env.NO_PROXY = 'exact.example, .corp.example, *.lan.example, port.example:8443';
    expect(via('https://exact.example')).toBe('direct');
    expect(via('https://sub.exact.example')).toBe('http://p:1'); // a bare name is not a suffix
    expect(via('https://a.b.corp.example')).toBe('direct');
    expect(via('https://x.lan.example')).toBe('direct');
    expect(via('https://port.example:8443')).toBe('direct');
    expect(via('https://port.example')).toBe('http://p:1'); // 443 is not 8443
    process.env.NO_PROXY = '*';
    expect(via('https://anything.example')).toBe('direct');
  });

  it('the label never carries the credentials', () => {
    process.env.HTTPS_PROXY = 'http://me:secret@p.example:3128';
    const p = proxyFor('https://music.example.com')!;
    expect(p.label).toBe('http://p.example:3128');
    expect(p.url.password).toBe('secret');
  });

  it('refuses what is not an http(s) proxy, without echoing a password', () => {
    process.env.HTTPS_PROXY = 'socks5://me:secret@p.example:1080';
    expect(() => proxyFor('https://m.example')).toThrow(ProxyConfigError);
    expect(() => proxyFor('https://m.example')).toThrow(
      /socks5:\/\/p\.example:1080 is not supported/,
    );
    process.env.HTTPS_PROXY = 'http://me:secret@[bad';
    expect(() => proxyFor('https://m.example')).toThrow(/not a valid URL/);
    expect(() => proxyFor('https://m.example')).not.toThrow(/secret/);
  });
});
