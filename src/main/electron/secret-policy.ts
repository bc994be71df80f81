/**
 * How to keep the server token at rest, decided from what the OS offers and what the user agreed
 * to. Pure, so every combination is tested without Electron.
 */

/** What Electron's safeStorage reports. */
export interface EncryptionFacts {
  platform: NodeJS.Platform;
  /** safeStorage.isEncryptionAvailable() */
  available: boolean;
  /** safeStorage.getSelectedStorageBackend() (Linux only; undefined elsewhere). */
  backend?: string;
}

/**
 * `encrypt`: use safeStorage. `ask`: no real encryption, and the user has not said whether a plain
 * file is acceptable. `plain`: no encryption, the user agreed to a plain file (mode 0600).
 * `refuse`: no encryption and the user declined: keep the token in memory for this session only.
 */
export type SecretPolicy = 'encrypt' | 'ask' | 'plain' | 'refuse';

/**
 * True if safeStorage really encrypts. On Linux, the `basic_text` backend (no keyring found)
 * "encrypts" with a hard-coded key, which protects nothing, so it counts as unavailable.
 */
export function encryptionIsReal(f: EncryptionFacts): boolean {
  if (!f.available) return false;
  if (f.platform !== 'linux') return true;
  return f.backend !== undefined && f.backend !== 'basic_text' && f.backend !== 'unknown';
}

/** Decides the policy; `plainConsent` is undefined while the user has not been asked. */
export function decideSecretPolicy(
  f: EncryptionFacts,
  plainConsent: boolean | undefined,
): SecretPolicy {
  if (encryptionIsReal(f)) return 'encrypt';
  if (plainConsent === undefined) return 'ask';
  return plainConsent ? 'plain' : 'refuse';
}
