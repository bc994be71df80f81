/**
 * The limits both LAN listeners (the plain range server and the mutual TLS peer listener) put on
 * their HTTP clients, and the short answer to a request that breaks them. One place, so a
 * slowloris or oversized-head fix reaches both.
 */
import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { LanLimits } from './lan-server';

/** `createServer` options: head size, head and request timeouts, idle keep-alive. */
export function httpLimitOptions(limits: LanLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  };
}

/**
 * Caps connections and stalled responses, and answers malformed request lines, oversized heads
 * and timed-out requests with a short status before closing: never a crash, never a hang.
 * Returns `destroyAll`, for `close()`: it ends every connection, including those an HTTPS
 * server's `closeAllConnections` cannot see (a TLS handshake not finished yet).
 */
export function guardHttpServer(server: HttpServer, limits: LanLimits): { destroyAll(): void } {
  server.maxConnections = limits.maxConnections;
  server.timeout = limits.stallTimeoutMs;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Only an HTTP error has an HTTP answer. A TLS client that never finished its handshake
    // (ERR_TLS_HANDSHAKE_TIMEOUT) has no channel for one: the text written there waited for a
    // handshake that never came, so the socket stayed open for good and the server's close()
    // waited on it (a silent client held the app's quit; test/faults/lan-interfaces.test.ts).
    const http = err.code?.startsWith('HPE_') || err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (!http || !socket.writable) return void socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return { destroyAll: () => sockets.forEach((s) => s.destroy()) };
}
