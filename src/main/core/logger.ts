import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { redactSecrets } from './activity-log';

/** Where the engine writes what happened; every line passes through redaction first. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that appends to `<dir>/tunecamp-share.log` (best effort) and echoes to `echo`. */
export function createLogger(opts: {
  dir?: string;
  echo?: (line: string, level: 'info' | 'warn' | 'error') => void;
}): Logger {
  let ready: Promise<unknown> | null = opts.dir ? mkdir(opts.dir, { recursive: true }) : null;
  const file = opts.dir ? path.join(opts.dir, 'tunecamp-share.log') : null;
  const write = (level: 'info' | 'warn' | 'error', message: string) => {
    const line = `${new Date().toISOString()} ${level} ${redactSecrets(message)}`;
    opts.echo?.(line, level);
    if (file && ready) {
      ready = ready.then(() => appendFile(file, line + '\n')).catch(() => undefined);
    }
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
