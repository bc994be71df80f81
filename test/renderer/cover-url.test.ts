import { describe, expect, it } from 'vitest';
import { preloadTransport } from '../../src/renderer/src/lib/transport/preload';
import {
  RemoteClient,
  remoteTransport,
  type SocketLike,
} from '../../src/renderer/src/lib/transport/ws-client';
import type { Api } from '../../src/shared/contract';

/** A socket the test drives by hand: it opens at once and delivers what the test says. */
function fakeSocket() {
  const handlers: Record<string, ((e: never) => void)[]> = {};
  const sent: string[] = [];
  const socket: SocketLike = {
    readyState: 1,
    send: (d) => void sent.push(d),
    close: () => undefined,
    addEventListener: (type: string, fn: (e: never) => void) =>
      void (handlers[type] ??= []).push(fn),
  };
  const fire = (type: string, e: unknown) => handlers[type]?.forEach((fn) => fn(e as never));
  return { socket, sent, fire };
}

describe('cover addresses per transport', () => {
  it('over the daemon: none until ready hands out the key, then /covers/<id>?k=<key>', () => {
    const fake = fakeSocket();
    const client = new RemoteClient({
      url: 'ws://x/remote',
      token: 't',
      connect: () => fake.socket,
    });
    const transport = remoteTransport(client);
    client.start();
    fake.fire('open', {});
    expect(JSON.parse(fake.sent[0]!)).toEqual({ t: 'hello', token: 't' });
    expect(transport.coverUrl?.('0123abcd')).toBeUndefined();
    fake.fire('message', { data: JSON.stringify({ t: 'ready', coverKey: 'k/+=' }) });
    expect(transport.coverUrl?.('0123abcd')).toBe('/covers/0123abcd?k=k%2F%2B%3D');
    client.close();
  });

  it('over a daemon without covers: never an address, so rows keep their placeholder', () => {
    const fake = fakeSocket();
    const client = new RemoteClient({
      url: 'ws://x/remote',
      token: 't',
      connect: () => fake.socket,
    });
    client.start();
    fake.fire('open', {});
    fake.fire('message', { data: JSON.stringify({ t: 'ready' }) });
    expect(remoteTransport(client).coverUrl?.('0123abcd')).toBeUndefined();
    client.close();
  });

  it('in Electron: the app scheme the main process answers', () => {
    const api = { invoke: async () => undefined, on: () => () => undefined } as unknown as Api;
    expect(preloadTransport(api).coverUrl?.('0123abcd')).toBe('tunecamp-cover://track/0123abcd');
  });
});
