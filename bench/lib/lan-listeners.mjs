/**
 * N range listeners of the LAN server on one worker thread (see startLanListeners in
 * lan-listeners.ts). Each holds one keep-alive connection and does what a player following the
 * server's 8 MiB cap does: `GET` with `Range: bytes=POS-` and the device token, reads the 206 body,
 * asks again from where it ended, and starts over at 0 at the end of the file; as fast as the
 * server sends, or paced to `rate` bytes/s. Bodies are counted
 * into one reused buffer per listener and never kept. On `'sample'` the thread posts every
 * listener's byte count; on `'stop'` it closes the sockets and posts the final counts. Plain
 * JavaScript, so that the worker needs no TypeScript loader.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { url, auth, count, size, rate } = workerData;
const started = performance.now();
const target = new URL(url);
const counts = new Array(count).fill(0);
const errors = [];
const sockets = [];
let stopping = false;

function listener(i) {
  let pos = 0;
  let head = '';
  let inBody = false;
  let left = 0;
  const ask = () =>
    socket.write(
      `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: ${auth}\r\n` +
        `Range: bytes=${pos}-\r\n\r\n`,
    );
  const socket = net.connect({
    host: target.hostname,
    port: Number(target.port),
    onread: {
      buffer: Buffer.allocUnsafe(64 * 1024),
      callback(n, buf) {
        let off = 0;
        if (!inBody) {
          head += buf.toString('latin1', 0, n);
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) return;
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
          if (status !== 206) {
            errors.push(`listener ${i}: HTTP ${status} at ${pos}`);
            socket.destroy();
            return;
          }
          left = Number(/\r\ncontent-length: *(\d+)/i.exec(head.slice(0, end))?.[1] ?? 0);
          off = n - (head.length - end - 4);
          head = '';
          inBody = true;
        }
        const got = Math.min(n - off, left);
        left -= got;
        counts[i] += got;
        pos += got;
        // Paced like a player that buffers ahead no faster than `rate` bytes/s: stop reading
        // (TCP then holds the server back) until the schedule catches up.
        if (rate) {
          const ahead = counts[i] / rate - (performance.now() - started) / 1000;
          if (ahead > 0.005) {
            socket.pause();
            setTimeout(() => socket.resume(), ahead * 1000);
          }
        }
        if (left === 0) {
          inBody = false;
          if (pos >= size) pos = 0;
          if (!stopping) ask();
        }
      },
    },
  });
  socket.on('connect', ask);
  socket.on('error', (err) => {
    if (!stopping) errors.push(`listener ${i}: ${err.message}`);
  });
  sockets.push(socket);
}

for (let i = 0; i < count; i++) listener(i);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    stopping = true;
    for (const s of sockets) s.destroy();
  }
  parentPort.postMessage({
    counts: [...counts],
    errors: errors.slice(0, 5),
    at: performance.now(),
  });
});
