// Calls the daemon's control-window contract over one WebSocket session, the way the page does
// (run inside a network namespace by peer-namespaces.test.ts). Argument: the one-time link, then
// a JSON list of {name, args, range?}; for a `range`, the answer (a URL) is fetched with that
// Range and the body's SHA-256, status and Content-Range are added. Prints one JSON list.
import { createHash } from 'node:crypto';
import WebSocket from 'ws';

const [link, callsJson] = process.argv.slice(2);
const calls = JSON.parse(callsJson);
const res = await fetch(link, { redirect: 'manual' });
await res.arrayBuffer();
const cookie = res.headers.get('set-cookie')?.split(';')[0];
const ws = new WebSocket(`ws://${new URL(link).host}/remote`, { headers: { cookie } });
await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
const replies = [];
let wake = () => {};
ws.on('message', (d) => (replies.push(JSON.parse(String(d))), wake()));
const next = async (pred) => {
  for (;;) {
    const i = replies.findIndex(pred);
    if (i >= 0) return replies.splice(i, 1)[0];
    await new Promise((r) => (wake = r));
  }
};
ws.send(JSON.stringify({ t: 'hello', token: '' }));
await next((r) => r.t === 'ready');
const out = [];
for (const [i, c] of calls.entries()) {
  ws.send(JSON.stringify({ t: 'call', id: i + 1, name: c.name, args: c.args }));
  const r = await next((x) => x.t === 'result' && x.id === i + 1);
  const entry = { ok: r.ok, value: r.value, error: r.error };
  if (r.ok && c.range) {
    const got = await fetch(r.value, { headers: { Range: c.range } });
    const body = Buffer.from(await got.arrayBuffer());
    Object.assign(entry, {
      status: got.status,
      contentRange: got.headers.get('content-range'),
      sha256: createHash('sha256').update(body).digest('hex'),
      length: body.length,
    });
  }
  out.push(entry);
}
ws.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
