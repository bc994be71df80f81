import type { ActivityEvent } from '../../shared/contract';

/** Removes anything that looks like a token from text before it is logged or shown. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([?&]token=)[^&\s#"']+/gi, '$1[redacted]')
    .replace(/\btc_[A-Za-z0-9_-]{4,}/g, 'tc_[redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]')
    .replace(/(Bearer\s+)\S+/gi, '$1[redacted]');
}

/** A bounded, newest-last list of activity events. */
export class ActivityLog {
  private readonly items: ActivityEvent[] = [];
  constructor(private readonly limit = 200) {}

  /** Records an event (redacted) and returns it. */
  add(level: ActivityEvent['level'], message: string, at = Date.now()): ActivityEvent {
    const event: ActivityEvent = { at, level, message: redactSecrets(message) };
    this.items.push(event);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    return event;
  }

  /** The most recent events, oldest first. */
  recent(count = 50): ActivityEvent[] {
    return this.items.slice(-count);
  }
}
