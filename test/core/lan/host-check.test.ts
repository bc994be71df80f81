import { describe, expect, it } from 'vitest';
import { isLanHost } from '../../../src/main/core/lan/host-check';

describe('isLanHost', () => {
  it.each([
    '127.0.0.1:47310',
    '192.168.1.5:47310',
    '10.0.0.2',
    '[::1]:47310',
    '[fe80::1%25eth0]:47310',
    'localhost:47310',
    'LOCALHOST',
    'studio.local:47310',
    'Maria-Laptop.local',
    'studio.local.',
  ])('accepts %s', (host) => expect(isLanHost(host)).toBe(true));

  it.each([
    undefined,
    '',
    'evil.example:47310',
    'evil.example',
    '127.0.0.1.evil.example',
    'localhost.evil.example',
    'local',
    '.local',
    'a..local',
    '-bad.local',
    'evil.local.example',
    '192.168.1.5:abc',
    '[::1',
    '[127.0.0.1]:80',
    '::1:80',
    'x'.repeat(300) + '.local',
    '999.1.1.1',
  ])('refuses %s', (host) => expect(isLanHost(host)).toBe(false));
});
