import { describe, expect, it } from 'vitest';
import type { EncryptionFacts } from '../../src/main/electron/secret-policy';
import { decideSecretPolicy, encryptionIsReal } from '../../src/main/electron/secret-policy';

describe('decideSecretPolicy', () => {
  const table: [EncryptionFacts, boolean | undefined, string][] = [
    [{ platform: 'darwin', available: true }, undefined, 'encrypt'],
    [{ platform: 'win32', available: true }, false, 'encrypt'],
    [{ platform: 'linux', available: true, backend: 'gnome_libsecret' }, undefined, 'encrypt'],
    [{ platform: 'linux', available: true, backend: 'kwallet6' }, undefined, 'encrypt'],
    // basic_text "encrypts" with a fixed key: no better than plain, so the user decides.
    [{ platform: 'linux', available: true, backend: 'basic_text' }, undefined, 'ask'],
    [{ platform: 'linux', available: true, backend: 'basic_text' }, true, 'plain'],
    [{ platform: 'linux', available: true, backend: 'basic_text' }, false, 'refuse'],
    [{ platform: 'linux', available: true, backend: 'unknown' }, undefined, 'ask'],
    [{ platform: 'linux', available: true }, undefined, 'ask'],
    [{ platform: 'linux', available: false, backend: 'gnome_libsecret' }, true, 'plain'],
    [{ platform: 'darwin', available: false }, undefined, 'ask'],
    [{ platform: 'win32', available: false }, false, 'refuse'],
  ];
  it.each(table)('%o with consent %s → %s', (facts, consent, want) => {
    expect(decideSecretPolicy(facts, consent)).toBe(want);
  });

  it('treats basic_text as no encryption', () => {
    expect(encryptionIsReal({ platform: 'linux', available: true, backend: 'basic_text' })).toBe(
      false,
    );
    expect(encryptionIsReal({ platform: 'linux', available: true, backend: 'kwallet5' })).toBe(
      true,
    );
  });
});
