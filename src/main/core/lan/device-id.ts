import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';

/** The file in the state dir that holds this install's device id. */
export const DEVICE_ID_FILE = 'device-id';

/**
 * This install's device id (64 hex characters), made on first use and kept in the state dir.
 * Random for now; once devices pair with certificates it becomes the certificate's SHA-256.
 */
export async function loadDeviceId(stateDir: string): Promise<string> {
  const file = path.join(stateDir, DEVICE_ID_FILE);
  const text = await readFile(file, 'utf8').catch(() => '');
  const id = text.trim();
  if (/^[0-9a-f]{64}$/.test(id)) return id;
  // Missing or damaged: a new identity (peers see a new device, which is what it now is).
  const fresh = randomBytes(32).toString('hex');
  // Unsaved (read-only or full state dir), it lasts this run: announcing matters more.
  await writeFileAtomic(file, `${fresh}\n`).catch(() => undefined);
  return fresh;
}
