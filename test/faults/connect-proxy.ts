import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** One CONNECT the proxy received: the target and the credentials it carried. */
export interface ConnectSeen {
  target: string;
  /** The decoded `user:pass` of Proxy-Authorization: Basic, if any. */
  auth?: string;
}

/** A forward HTTP proxy on 127.0.0.1 that tunnels CONNECT (what corporate proxies do). */
export interface ConnectProxy {
  port: number;
  url: string;
  /** Every CONNECT so far, in order. */
  seen: ConnectSeen[];
  /** Plain (non-CONNECT) requests so far: an absolute-URI request is forwarded by none here. */
  plain: string[];
  /**
   * How it answers: tunnel (`ok`), 407 unless the Basic credentials equal `needAuth`, or refuse
   * every CONNECT with a status (502: the upstream is unreachable).
   */
  mode: { needAuth?: string; refuse?: number };
  close(): Promise<void>;
}

/** Starts the proxy; it connects only to 127.0.0.1 whatever the CONNECT target names. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const seen: ConnectSeen[] = [];
  const plain: string[] = [];
  const mode: ConnectProxy['mode'] = {};
  const server = http.createServer((req, res) => {
    plain.push(`${req.method} ${req.url}`);
    res.writeHead(501).end('this proxy only tunnels CONNECT');
  });
  server.on('connection', (s: net.Socket) => sockets.add(s).size);
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const header = req.headers['proxy-authorization'];
    const basic = /^Basic (.+)$/i.exec(header ?? '')?.[1];
    const auth = basic ? Buffer.from(basic, 'base64').toString('utf8') : undefined;
    seen.push({ target: req.url ?? '', auth });
    const refuse = (status: number, text: string) => {
      const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : '';
      client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (mode.refuse) return refuse(mode.refuse, 'Bad Gateway');
    if (mode.needAuth !== undefined && auth !== mode.needAuth)
      return refuse(407, 'Proxy Authentication Required');
    const port = Number(/:(\d+)$/.exec(req.url ?? '')?.[1]);
    // Safety: this test proxy never leaves the machine, whatever host the CONNECT names.
    const upstream = net.connect({ host: '127.0.0.1', port });
    sockets.add(upstream);
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    upstream.on('error', () => refuse(502, 'Bad Gateway'));
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    plain,
    mode,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
