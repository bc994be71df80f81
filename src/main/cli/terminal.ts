import type { ConnectionStatus } from '../../shared/contract';
import { connectionLine } from './output';

/** How long identical warnings are folded into one line. */
export const FOLD_WINDOW_MS = 60_000;

/**
 * Folds identical warnings: the first is printed at once, repeats within a minute are counted,
 * and when the minute is over one line says how often it came ("… (3 times in the last minute)").
 * Pure apart from `print`; `flush()` is called by a timer. The minute is read off the monotonic
 * clock (`performance.now()`, or `clock`): on the wall clock, setting it back 3 hours kept a
 * repeated warning folded, unseen, for those 3 hours.
 */
export class WarningFolder {
  private readonly seen = new Map<string, { first: number; repeats: number; line: string }>();

  constructor(
    private readonly print: (line: string) => void,
    private readonly windowMs = FOLD_WINDOW_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** A warning `message`, shown as `line` (e.g. with a timestamp). */
  add(message: string, line: string, now = this.clock()): void {
    this.flush(now);
    const entry = this.seen.get(message);
    if (entry) {
      entry.repeats++;
      entry.line = line;
      return;
    }
    this.seen.set(message, { first: now, repeats: 0, line });
    this.print(line);
  }

  /** Prints the folded count of every warning whose minute is over (all of them with `all`). */
  flush(now = this.clock(), all = false): void {
    for (const [message, e] of this.seen) {
      if (!all && now - e.first < this.windowMs) continue;
      this.seen.delete(message);
      if (e.repeats > 0) this.print(`${e.line} (${e.repeats + 1} times in the last minute)`);
    }
  }
}

/**
 * Which connection changes get a line: one per attempt. A retry's "connecting…" is not printed
 * (the "retrying in N s" line before it said so); neither is a repeat of the same state and
 * problem, except that a change in the published count while connected gets its own line.
 */
export class ConnectionPrinter {
  private lastKey = '';
  private lastState: ConnectionStatus['state'] | '' = '';
  private lastPublished = -1;
  /** The problem the last printed line carried (the engine's log line saying it is not echoed). */
  problemMessage = '';

  /** The line to print for `s`, or null. */
  line(s: ConnectionStatus): string | null {
    const key = `${s.state}|${s.sessionId ?? ''}|${s.problem?.code ?? ''}`;
    let out: string | null = null;
    if (key !== this.lastKey) {
      const retrying = s.state === 'connecting' && this.lastState === 'waiting';
      out = retrying ? null : connectionLine(s);
    } else if (s.state === 'connected' && s.publishedTracks !== this.lastPublished) {
      out = `published ${s.publishedTracks} tracks`;
    }
    this.lastKey = key;
    this.lastState = s.state;
    this.lastPublished = s.publishedTracks;
    if (s.problem) this.problemMessage = s.problem.message;
    return out;
  }
}
