/**
 * One listener on its own thread (see listenOffThread in hub.ts): a minimal HTTP/1.1 GET over a
 * raw socket that reads into one reused 256 KiB buffer and counts the body without keeping it,
 * then posts `{ status, bytes, ms, expected }`. Node's HTTP client spent more CPU per MB than the
 * daemon does, on the same 2 cores, and so lowered the figure it was meant to measure. Plain
 * JavaScript so that the worker needs no TypeScript loader.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const url = new URL(workerData.url);
const started = performance.now();
let head = '';
let inBody = false;
let status = 0;
let expected = 0;
let bytes = 0;
let sent = false;
const finish = () => {
  if (sent) return;
  sent = true;
  socket.destroy();
  parentPort.postMessage({ status, bytes, ms: performance.now() - started, expected });
};
const socket = net.connect({
  host: url.hostname,
  port: Number(url.port),
  onread: {
    buffer: Buffer.allocUnsafe(256 * 1024),
    callback(n, buf) {
      if (inBody) bytes += n;
      else {
        head += buf.toString('latin1', 0, n);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        expected = Number(/\r\ncontent-length: *(\d+)/i.exec(head.slice(0, end))?.[1] ?? 0);
        bytes = head.length - end - 4;
        inBody = true;
      }
      if (bytes >= expected) finish();
    },
  },
});
socket.on('connect', () =>
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`,
  ),
);
socket.on('close', finish);
socket.on('error', finish);
