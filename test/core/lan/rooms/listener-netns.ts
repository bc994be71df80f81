/**
 * A network namespace for a room listener across a real link: a veth pair with the host's end
 * in this namespace (10.232.X.1/30) and the listener's in a new one (10.232.X.2/30), and a
 * Chromium started inside it through `ip netns exec`. Made and removed by the caller; nothing
 * touches the real interfaces.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { namespacesMissing } from '../netns';

/** Why a namespace cannot be made here, or null. */
export const listenerNetnsMissing = namespacesMissing;

/** A made namespace: the host's address on the link, a Chromium inside, and its removal. */
export interface ListenerNetns {
  hostAddress: string;
  launch(): Promise<Browser>;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Makes the namespace and the link; `dir` holds the Chromium wrapper script. */
export async function makeListenerNetns(dir: string): Promise<ListenerNetns> {
  const tag = randomBytes(3).toString('hex');
  const ns = `tcs-room-${tag}`;
  const [hostIf, nsIf] = [`tcsrh${tag.slice(0, 4)}`, `tcsrl${tag.slice(0, 4)}`];
  const net = `10.232.${randomInt(0, 256)}`;
  const remove = () => {
    // Deleting the namespace deletes its veth end, and with it the pair.
    try {
      ip('netns', 'delete', ns);
    } catch {
      /* already gone */
    }
    try {
      ip('link', 'delete', hostIf);
    } catch {
      /* went with the namespace */
    }
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${net}.1/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${net}.2/30`, 'dev', nsIf);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', nsIf, 'up');
  } catch (err) {
    remove();
    throw err;
  }
  const wrapper = path.join(dir, `chromium-in-${ns}.sh`);
  const real = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${real} "$@"\n`);
  await chmod(wrapper, 0o755);
  return {
    hostAddress: `${net}.1`,
    remove,
    launch: () =>
      chromium.launch({
        executablePath: wrapper,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-first-run',
        ],
      }),
  };
}
