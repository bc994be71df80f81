import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';

/** The daemon's entry point, as npm installs it. */
export const BIN = path.resolve(import.meta.dirname, '../../bin/tunecamp-share.js');

/** How a daemon run ended and what it printed. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the daemon to completion (bounded), or until `until` sees its output, then sends `signal`
 * (SIGTERM by default).
 */
export function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  opts: {
    until?: (out: string) => boolean;
    timeoutMs?: number;
    signal?: NodeJS.Signals;
    command?: string[];
    onChild?: (child: ChildProcessWithoutNullStreams) => void;
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = opts.command ?? [process.execPath, BIN];
    const child = spawn(cmd!, [...pre, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    opts.onChild?.(child);
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const check = () => {
      if (!signalled && opts.until?.(stdout + stderr)) {
        signalled = true;
        child.kill(opts.signal ?? 'SIGTERM');
      }
    };
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), check()));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), check()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The control window's address from the daemon's output, or undefined. */
export function controlUrl(out: string): string | undefined {
  return /Control window: (\S+)/.exec(out)?.[1];
}

/** Opens a control-window link as a browser would, without following the redirect. */
export async function openLink(url: string): Promise<{ status: number; cookie?: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

/**
 * Calls one command of the control window's contract over its WebSocket, the way the page does:
 * a session cookie from opening the printed link, then `hello`, then the call.
 */
export async function callRemote(url: string, name: string, args: unknown[]): Promise<unknown> {
  const page = new URL(url);
  const { cookie } = await openLink(url);
  if (!cookie) throw new Error(`the link ${url} gave no session`);
  const ws = new WebSocket(`ws://${page.host}/remote`, { headers: { cookie } });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const replies: Record<string, unknown>[] = [];
    let wake = () => {};
    ws.on('message', (d) => {
      replies.push(JSON.parse(String(d)) as Record<string, unknown>);
      wake();
    });
    const next = async (t: string) => {
      for (;;) {
        const i = replies.findIndex((r) => r.t === t);
        if (i >= 0) return replies.splice(i, 1)[0]!;
        await new Promise<void>((r) => (wake = r));
      }
    };
    ws.send(JSON.stringify({ t: 'hello', token: '' }));
    await next('ready');
    ws.send(JSON.stringify({ t: 'call', id: 1, name, args }));
    const result = await next('result');
    if (!result.ok) throw new Error(String(result.error));
    return result.value;
  } finally {
    ws.close();
  }
}
