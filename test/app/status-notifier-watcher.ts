/**
 * The org.kde.StatusNotifierWatcher a desktop panel provides, on a test's private bus. Chromium
 * asks NameHasOwner for it and reads IsStatusNotifierHostRegistered before it exports a tray item
 * (status_icon_linux_dbus.cc); without both it falls back to an XEmbed icon no test can read.
 */
import { Message, MessageType, Variant, type MessageBus } from 'dbus-next';

export const WATCHER = 'org.kde.StatusNotifierWatcher';
const WATCHER_PATH = '/StatusNotifierWatcher';
const DBUS = 'org.freedesktop.DBus';
const PROPS = 'org.freedesktop.DBus.Properties';

/** A registered item: the bus name it lives on, its object path, and that name's unique owner. */
export interface TrayItemRef {
  service: string;
  path: string;
  owner: string;
}

/** The watcher's live state. */
export interface Watcher {
  /** Registered items, oldest first; an item leaves when its bus name does. */
  items: TrayItemRef[];
  /** How many signals named `member` the registered items have sent. */
  signalCount(member: string): number;
  /** Calls `fn` after every registration, unregistration and item signal. */
  onChange(fn: () => void): () => void;
}

/** Sends a method call and resolves with the reply's body; rejects with the D-Bus error. */
export async function busCall(
  bus: MessageBus,
  destination: string,
  path: string,
  iface: string,
  member: string,
  signature = '',
  body: unknown[] = [],
): Promise<unknown[]> {
  const reply = await bus.call(
    new Message({ destination, path, interface: iface, member, signature, body }),
  );
  return reply?.body ?? [];
}

const INTROSPECTION = `<node><interface name="${WATCHER}">
<method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
<method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
<property name="RegisteredStatusNotifierItems" type="as" access="read"/>
<property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
<property name="ProtocolVersion" type="i" access="read"/>
<signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
<signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
<signal name="StatusNotifierHostRegistered"/>
</interface></node>`;

/** Takes the watcher name on `bus` (failing if another host has it) and serves the interface. */
export async function ownWatcher(bus: MessageBus): Promise<Watcher> {
  const items: TrayItemRef[] = [];
  const signals = new Map<string, number>();
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((fn) => fn());
  const dbus = (member: string, arg: string) =>
    busCall(bus, DBUS, '/org/freedesktop/DBus', DBUS, member, 's', [arg]);
  const emit = (member: string, signature = '', body: unknown[] = []) =>
    bus.send(Message.newSignal(WATCHER_PATH, WATCHER, member, signature, body));
  const props = (): Record<string, Variant> => ({
    RegisteredStatusNotifierItems: new Variant(
      'as',
      items.map((i) => i.service + i.path),
    ),
    IsStatusNotifierHostRegistered: new Variant('b', true),
    ProtocolVersion: new Variant('i', 0),
  });

  const register = async (arg: string, sender: string) => {
    // The spec passes a bus name (Chromium: its unique name); some apps pass an object path and
    // mean the sender's connection.
    const ref = arg.startsWith('/')
      ? { service: sender, path: arg, owner: sender }
      : { service: arg, path: '/StatusNotifierItem', owner: arg };
    if (!ref.owner.startsWith(':')) ref.owner = String((await dbus('GetNameOwner', arg))[0]);
    if (items.some((i) => i.service === ref.service && i.path === ref.path)) return;
    await dbus('AddMatch', `type='signal',sender='${ref.owner}'`);
    items.push(ref);
    emit('StatusNotifierItemRegistered', 's', [ref.service + ref.path]);
    changed();
  };

  bus.addMethodHandler((msg: Message) => {
    if (msg.path !== WATCHER_PATH) return false;
    const reply = (signature = '', body: unknown[] = []) =>
      bus.send(Message.newMethodReturn(msg, signature, body));
    // dbus-next's types call newError's first argument a string; it is the call being answered.
    const fail = (err: Error) =>
      bus.send(Message.newError(msg as unknown as string, `${WATCHER}.Error`, String(err)));
    const key = `${msg.interface}.${msg.member}`;
    const [arg0, arg1] = msg.body as string[];
    if (key === `${WATCHER}.RegisterStatusNotifierItem`) {
      register(String(arg0), msg.sender).then(() => reply(), fail);
    } else if (key === `${WATCHER}.RegisterStatusNotifierHost`) {
      reply();
      emit('StatusNotifierHostRegistered');
    } else if (key === `${PROPS}.Get` && arg0 === WATCHER && arg1 && props()[arg1]) {
      reply('v', [props()[arg1]]);
    } else if (key === `${PROPS}.GetAll`) {
      reply('a{sv}', [arg0 === WATCHER ? props() : {}]);
    } else if (key === 'org.freedesktop.DBus.Introspectable.Introspect') {
      reply('s', [INTROSPECTION]);
    } else return false;
    return true;
  });

  bus.on('message', (msg: Message) => {
    if (msg.type !== MessageType.SIGNAL) return;
    if (msg.sender === DBUS && msg.member === 'NameOwnerChanged' && msg.body[2] === '') {
      const gone = items.filter((i) => i.owner === msg.body[0] || i.service === msg.body[0]);
      for (const item of gone) {
        items.splice(items.indexOf(item), 1);
        emit('StatusNotifierItemUnregistered', 's', [item.service + item.path]);
      }
    } else if (items.some((i) => i.owner === msg.sender)) {
      signals.set(msg.member, (signals.get(msg.member) ?? 0) + 1);
    }
    changed();
  });

  await dbus(
    'AddMatch',
    `type='signal',sender='${DBUS}',interface='${DBUS}',member='NameOwnerChanged'`,
  );
  const DO_NOT_QUEUE = 4;
  const PRIMARY_OWNER = 1;
  if ((await bus.requestName(WATCHER, DO_NOT_QUEUE)) !== PRIMARY_OWNER) {
    throw new Error(`tray host: ${WATCHER} already has an owner on this bus`);
  }
  return {
    items,
    signalCount: (member) => signals.get(member) ?? 0,
    onChange: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
  };
}
