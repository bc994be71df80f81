/**
 * The desktop's tray, played by the test on the session's private bus: it owns the
 * StatusNotifierWatcher, reads the app's StatusNotifierItem and its com.canonical.dbusmenu menu,
 * and clicks menu items the way a panel does. Start it before the app creates its Tray: Chromium
 * looks for a watcher once, when the Tray is made.
 */
import { Variant, sessionBus, type MessageBus } from 'dbus-next';
import { flattenMenu, parseLayout, type MenuNode, type RawLayout } from './dbusmenu';
import { busCall, ownWatcher, type TrayItemRef } from './status-notifier-watcher';

export { flattenMenu, type MenuNode, type TrayItemRef };

const ITEM = 'org.kde.StatusNotifierItem';
const MENU = 'com.canonical.dbusmenu';

/** The ToolTip property. Chromium puts the app's tooltip in `title` and leaves `text` empty. */
export interface TrayTooltip {
  iconName: string;
  title: string;
  text: string;
}

/** One IconPixmap entry: ARGB32 in network byte order, row by row. */
export interface IconPixmap {
  width: number;
  height: number;
  argb: Buffer;
}

/** The tray host; item reads and clicks go to the most recently registered item. */
export interface TrayHost {
  items(): TrayItemRef[];
  /** Resolves with the item once one is registered; rejects after `timeoutMs`. */
  waitForItem(timeoutMs?: number): Promise<TrayItemRef>;
  /** Resolves once no item is registered (the app quit or destroyed its tray). */
  waitForNoItem(timeoutMs?: number): Promise<void>;
  /** Any org.kde.StatusNotifierItem property, unwrapped from its variant. */
  property<T = unknown>(name: string): Promise<T>;
  tooltip(): Promise<TrayTooltip>;
  iconPixmap(): Promise<IconPixmap[]>;
  /** Chromium always sends "". */
  title(): Promise<string>;
  /** Chromium always sends "Active". */
  status(): Promise<string>;
  /** The whole menu (GetLayout from the root); labels as shown, mnemonic markers removed. */
  menu(): Promise<MenuNode>;
  /**
   * Clicks a menu item by label or id as a panel does: AboutToShow on its parent, then
   * Event(id, "clicked"). Throws for a missing, hidden, separator or disabled item unless forced.
   */
  click(target: string | number, opts?: { force?: boolean }): Promise<void>;
  /** A left click on the icon (StatusNotifierItem.Activate): Electron's tray 'click' event. */
  activate(): Promise<void>;
  /** How many signals named `member` the item has sent (NewToolTip, NewIcon, LayoutUpdated…). */
  signalCount(member: string): number;
  /** Resolves with the count once it exceeds `after` (default: the count at the call). */
  waitForSignal(member: string, opts?: { after?: number; timeoutMs?: number }): Promise<number>;
  /** Polls `read` every 50 ms until `accept` holds; read errors count as "not yet". */
  waitFor<T>(read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  /**
   * Polls `read` until its value (as JSON) differs from `before`, which the test read before it
   * made the app change (reading it here would race the change).
   */
  waitForChange<T>(read: () => Promise<T>, before: T, timeoutMs?: number): Promise<T>;
  /** Leaves the bus; the watcher name goes with it. */
  stop(): Promise<void>;
}

/** Owns the watcher on the bus at `busAddress` and returns the host's view of the tray. */
export async function startTrayHost(busAddress: string): Promise<TrayHost> {
  const bus: MessageBus = sessionBus({ busAddress });
  const busErrors: string[] = [];
  bus.on('error', (err: Error) => busErrors.push(String(err)));
  const watcher = await ownWatcher(bus).catch((err: unknown) => {
    bus.disconnect();
    throw err;
  });

  const until = (check: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const off = watcher.onChange(() => check() && done(null));
      const timer = setTimeout(
        () => done(new Error(`tray host: ${what} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (err: Error | null) => {
        off();
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      if (check()) done(null);
    });
  const current = () => {
    const item = watcher.items.at(-1);
    if (item) return item;
    const why = busErrors.length ? ` (bus: ${busErrors.join('; ')})` : '';
    throw new Error(`tray host: no StatusNotifierItem is registered${why}`);
  };
  const itemCall = (iface: string, member: string, signature: string, body: unknown[]) =>
    busCall(bus, current().owner, current().path, iface, member, signature, body);
  const property = async <T>(name: string) => {
    const [v] = await itemCall('org.freedesktop.DBus.Properties', 'Get', 'ss', [ITEM, name]);
    return (v as Variant).value as T;
  };
  const menuCall = async (member: string, signature: string, body: unknown[]) =>
    busCall(bus, current().owner, await property<string>('Menu'), MENU, member, signature, body);
  const menu = async () =>
    parseLayout((await menuCall('GetLayout', 'iias', [0, -1, []]))[1] as RawLayout);

  const waitFor = async <T>(
    read: () => Promise<T>,
    accept: (v: T) => boolean,
    timeoutMs = 10_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let last: string;
      try {
        const v = await read();
        if (accept(v)) return v;
        last = JSON.stringify(v);
      } catch (err) {
        last = String(err);
      }
      if (Date.now() > deadline) {
        throw new Error(`tray host: condition not met in ${timeoutMs} ms; last read: ${last}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    items: () => [...watcher.items],
    waitForItem: async (timeoutMs = 15_000) => {
      await until(() => watcher.items.length > 0, 'no StatusNotifierItem registered', timeoutMs);
      return current();
    },
    waitForNoItem: (timeoutMs = 15_000) =>
      until(() => watcher.items.length === 0, 'the StatusNotifierItem stayed', timeoutMs),
    property,
    tooltip: async () => {
      const [iconName, , title, text] =
        await property<[string, unknown, string, string]>('ToolTip');
      return { iconName, title, text };
    },
    iconPixmap: async () =>
      (await property<[number, number, Buffer][]>('IconPixmap')).map(([width, height, argb]) => ({
        width,
        height,
        argb,
      })),
    title: () => property<string>('Title'),
    status: () => property<string>('Status'),
    menu,
    click: async (target, opts = {}) => {
      const layouts = watcher.signalCount('LayoutUpdated');
      const root = await menu();
      const all = flattenMenu(root);
      const node = all.find((n) =>
        typeof target === 'number' ? n.id === target : n.label === target,
      );
      if (!node) {
        const labels = all.map((n) => `${n.id}:${n.label || n.type}`).join(', ');
        throw new Error(`tray host: no menu item ${JSON.stringify(target)} in [${labels}]`);
      }
      const unusable = !node.visible
        ? 'hidden'
        : node.type === 'separator'
          ? 'a separator'
          : !node.enabled
            ? 'disabled'
            : null;
      if (unusable && !opts.force) {
        throw new Error(`tray host: menu item ${JSON.stringify(target)} is ${unusable}`);
      }
      const parent = all.find((n) => n.children.includes(node)) ?? root;
      // Chromium answers AboutToShow(0) with an error (its root has no menu model behind it);
      // panels go on to the click regardless.
      await menuCall('AboutToShow', 'i', [parent.id]).catch(() => null);
      const now = Math.floor(Date.now() / 1000);
      await menuCall('Event', 'isvu', [node.id, 'clicked', new Variant('s', ''), now]).catch(
        (err: Error) => {
          // Chromium renumbers every item each time the app sets its menu or its tooltip.
          const rebuilt = watcher.signalCount('LayoutUpdated') - layouts;
          const why = rebuilt ? `; the app rebuilt its menu ${rebuilt}x meanwhile` : '';
          throw new Error(
            `tray host: clicking ${JSON.stringify(target)} failed: ${err.message}${why}`,
          );
        },
      );
    },
    activate: async () => {
      await itemCall(ITEM, 'Activate', 'ii', [0, 0]);
    },
    signalCount: (member) => watcher.signalCount(member),
    waitForSignal: async (member, opts = {}) => {
      const after = opts.after ?? watcher.signalCount(member);
      const seen = () => watcher.signalCount(member) > after;
      await until(seen, `no new ${member} signal`, opts.timeoutMs ?? 10_000);
      return watcher.signalCount(member);
    },
    waitFor,
    waitForChange: (read, before, timeoutMs = 10_000) =>
      waitFor(read, (v) => JSON.stringify(v) !== JSON.stringify(before), timeoutMs),
    stop: async () => bus.disconnect(),
  };
}
