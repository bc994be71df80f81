/**
 * Shows the notifications the pure policy (notifications.ts) asks for, when the user allows them.
 */
import { Notification } from 'electron';
import type { Api } from '../../shared/contract';
import type { SettingsStore } from '../core/settings/store';
import type { NotifierInput } from './notifications';
import { createNotifier } from './notifications';

/** How often an ongoing outage is re-examined (the policy tells after a minute). */
const TICK_MS = 15_000;

/** Starts listening; `onClick` runs when the user clicks a notification. Returns a stop function. */
export function startDesktopNotifications(opts: {
  engine: Api;
  settings: SettingsStore;
  icon?: string;
  onClick: () => void;
}): () => void {
  const notifier = createNotifier(Date.now);
  const feed = (input: NotifierInput) => {
    const specs = notifier(input);
    if (specs.length === 0 || !opts.settings.get().notifications || !Notification.isSupported()) {
      return;
    }
    for (const spec of specs) {
      const n = new Notification({ title: spec.title, body: spec.body, icon: opts.icon });
      n.on('click', opts.onClick);
      n.show();
    }
  };
  const offs = [
    opts.engine.on('connection', (status) => feed({ kind: 'connection', status })),
    opts.engine.on('folders', (folders) => feed({ kind: 'folders', folders })),
  ];
  const timer = setInterval(() => feed({ kind: 'tick' }), TICK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
  };
}
