import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../src/main/electron/ipc-guard';

const file = pathToFileURL('/opt/tunecamp share/resources/app.asar/out/renderer/index.html').href;

describe('isTrustedSender', () => {
  it('trusts our built page, with any fragment or query', () => {
    expect(isTrustedSender(file, { file })).toBe(true);
    expect(isTrustedSender(`${file}#/settings`, { file })).toBe(true);
    expect(isTrustedSender(`${file}?x=1`, { file })).toBe(true);
  });

  it('refuses other local files', () => {
    expect(isTrustedSender('file:///home/ann/Downloads/evil.html', { file })).toBe(false);
    expect(
      isTrustedSender('file:///opt/tunecamp%20share/resources/app.asar/out/renderer/other.html', {
        file,
      }),
    ).toBe(false);
    expect(
      isTrustedSender(
        'file://evilhost/opt/tunecamp%20share/resources/app.asar/out/renderer/index.html',
        { file },
      ),
    ).toBe(false);
    expect(isTrustedSender(file, {})).toBe(false);
  });

  it('trusts the dev server origin only when one is given', () => {
    const dev = { file, devOrigin: 'http://localhost:5173' };
    expect(isTrustedSender('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/#/x', dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/', { file })).toBe(false);
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedSender('https://localhost:5173/', dev)).toBe(false);
    expect(isTrustedSender('http://localhost:5173.evil.example/', dev)).toBe(false);
    expect(isTrustedSender('http://evil.example/', dev)).toBe(false);
  });

  it('refuses blank, data and garbage URLs', () => {
    const dev = { file, devOrigin: 'http://localhost:5173' };
    for (const u of [
      '',
      'about:blank',
      'data:text/html,hi',
      'devtools://devtools/x',
      'not a url',
    ]) {
      expect(isTrustedSender(u, dev), u).toBe(false);
    }
  });
});
