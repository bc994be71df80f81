/**
 * Protocol-level room listeners for the load figure: each spends a join code for the cookie,
 * fetches the first track's audio once, joins over the WebSocket, pings as a page does, answers
 * LOAD with READY, and sends a SYNC every 2 s. They count what they receive, so the bench can
 * say whether anything was dropped.
 */
import WebSocket from 'ws';

/** One protocol listener and its counters. */
export interface LoadClient {
  /** PLAY/PAUSE/SEEK/LOAD messages received since HELLO. */
  timeline: number;
  pings: number;
  pongs: number;
  audioBytes: number;
  open(): boolean;
  close(): void;
}

/** Joins the room at `link` (http://host:port/room/<id>#k=<code>) as `name`. */
export async function loadClient(
  link: string,
  name: string,
  trackUrl: string,
): Promise<LoadClient> {
  const url = new URL(link);
  const code = url.hash.slice('#k='.length);
  const base = `${url.origin}${url.pathname}`;
  const joined = await fetch(`${base}/join`, { method: 'POST', body: JSON.stringify({ code }) });
  if (!joined.ok) throw new Error(`join refused: ${joined.status} ${await joined.text()}`);
  const cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
  const c: LoadClient = {
    timeline: 0,
    pings: 0,
    pongs: 0,
    audioBytes: 0,
    open: () => ws.readyState === WebSocket.OPEN,
    close: () => ws.close(),
  };
  const audio = await fetch(`${url.origin}${trackUrl}`, { headers: { Cookie: cookie } });
  c.audioBytes = (await audio.arrayBuffer()).byteLength;
  const ws = new WebSocket(`ws://${url.host}${url.pathname}/ws`, {
    headers: { Cookie: cookie, Origin: url.origin },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let rtt = 0;
  let state: 'playing' | 'paused' = 'paused';
  let index = 0;
  const send = (m: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; [k: string]: unknown };
    if (m.type === 'PONG') {
      c.pongs++;
      rtt = performance.now() - (m.t0 as number);
    } else if (m.type === 'HELLO') {
      index = (m.status as { index: number }).index;
      send({ type: 'READY', index, duration: 0 });
    } else if (['PLAY', 'PAUSE', 'SEEK', 'LOAD'].includes(m.type)) {
      c.timeline++;
      state = m.state as 'playing' | 'paused';
      index = m.index as number;
      if (m.type === 'LOAD') send({ type: 'READY', index, duration: 0 });
    }
  });
  const ping = () => {
    c.pings++;
    send({ type: 'PING', t0: performance.now() });
  };
  ws.on('open', () => undefined);
  send({ type: 'JOIN', name });
  for (let i = 0; i < 3; i++) setTimeout(ping, i * 1000).unref();
  setInterval(ping, 10_000).unref();
  setInterval(
    () =>
      send({
        type: 'SYNC',
        position: 0,
        buffered: 30,
        clientTime: performance.now(),
        state,
        offset: 0,
        rtt,
        errorMs: 0,
      }),
    2000,
  ).unref();
  return c;
}
