/**
 * The listener page of a listening room (served by the LAN server at /room/<id>): spends the join
 * link's one-time code for the room cookie, connects, and on "Join and play" follows the room.
 * Shows who is here, what is playing, the queue, a speaker-delay slider, and any refusal to play.
 */
import type { ServerMessage } from '../main/core/lan/rooms/protocol';
import { DataSaver } from './data-saver';
import { SyncPlayer } from './sync-player';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const roomId = location.pathname.split('/')[2] ?? '';
const base = `/room/${roomId}`;

function showError(text: string): void {
  const el = $('error');
  el.textContent = text;
  el.hidden = text === '';
}

function status(text: string): void {
  $('status').textContent = text;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** Spends the fragment's code (then drops it from the address bar, so it is not shared by copy). */
async function spendCode(): Promise<void> {
  const code = new URLSearchParams(location.hash.slice(1)).get('k');
  if (!code) return;
  history.replaceState(null, '', location.pathname);
  const res = await fetch(`${base}/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
    credentials: 'same-origin',
  });
  // A used code is fine if this browser already holds the cookie (a reload): the socket says.
  if (!res.ok && res.status !== 403) showError(await res.text());
}

function start(): void {
  const ws = new WebSocket(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${base}/ws`,
  );
  const audio = $<HTMLAudioElement>('audio');
  const player = new SyncPlayer(
    audio,
    (m) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m)),
    {
      rejected: (err) => {
        showError(
          `The browser refused to play (${err.name}: ${err.message}). Press "Join and play" again.`,
        );
        $('join').hidden = false;
      },
      changed: () => render(),
    },
  );
  const saver = new DataSaver(player, base, $<HTMLInputElement>('saver'), (text) => {
    $('saver-note').textContent = text;
  });
  let you = '';
  let users: { id: string; name: string; state: string; rtt: number }[] = [];
  let joined = false;

  function render(): void {
    const t = player.timeline;
    const entry = t ? player.playlist[t.index] : undefined;
    $('now').textContent = entry
      ? `${entry.title}${entry.artist ? ` — ${entry.artist}` : ''}${t?.state === 'paused' ? ' (paused)' : ''}`
      : '—';
    const q = $('queue');
    q.replaceChildren(
      ...player.playlist.map((p, i) => {
        const li = document.createElement('li');
        li.textContent = p.title + (p.duration ? ` (${clock(p.duration)})` : '');
        if (t && i === t.index) li.className = 'current';
        return li;
      }),
    );
    $('users').replaceChildren(
      ...users.map((u) => {
        const li = document.createElement('li');
        li.textContent = `${u.name}${u.id === you ? ' (you)' : ''}${u.state === 'catching-up' ? ' — catching up' : ''}`;
        return li;
      }),
    );
  }

  ws.addEventListener('open', () => {
    status('Connected. Press "Join and play" to listen.');
    $<HTMLButtonElement>('go').disabled = false;
    player.burst();
  });
  ws.addEventListener('close', (e) => {
    status('Disconnected.');
    $<HTMLButtonElement>('go').disabled = true;
    audio.pause();
    if (e.code === 1006 && !joined)
      showError(
        'Cannot enter this room: the join link was already used, or the room has closed. Ask the host for a new link.',
      );
    else if (e.reason) showError(e.reason);
  });
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as ServerMessage;
    if (m.type === 'PONG') return player.pong(m.t0, m.t1, m.t2);
    if (m.type === 'HELLO') {
      you = m.you;
      users = m.users;
      player.playlist = m.playlist;
      player.rateNudge = m.options.rateNudge;
      saver.offer(m.options.dataSaver);
      $('controls').hidden = !m.options.listenersControl;
      $('room').hidden = false;
      player.schedule(m.status);
    } else if (m.type === 'USERS') users = m.users;
    else if (m.type === 'PLAYLIST') player.playlist = m.playlist;
    else if (m.type === 'LOAD') player.load(m);
    else if (m.type === 'PLAY' || m.type === 'PAUSE' || m.type === 'SEEK') {
      if (m.type === 'SEEK') player.burst();
      player.schedule(m);
    } else if (m.type === 'ERROR') showError(m.message);
    else if (m.type === 'CLOSED') status(m.reason);
    render();
  });

  $('go').addEventListener('click', () => {
    showError('');
    // The click is the user gesture browsers want before audible playback.
    if (!joined) {
      joined = true;
      const name = $<HTMLInputElement>('name').value.trim() || 'Listener';
      ws.send(JSON.stringify({ type: 'JOIN', name: name.slice(0, 40) }));
    } else if (player.timeline?.state === 'playing') player.play();
    $('join').hidden = true;
    status('In the room.');
  });
  for (const action of ['play', 'pause', 'skip'] as const)
    $(action).addEventListener('click', () => ws.send(JSON.stringify({ type: 'CONTROL', action })));
  $<HTMLInputElement>('offset').addEventListener('input', (e) => {
    player.speakerDelayMs = Number((e.target as HTMLInputElement).value);
    $('offset-out').textContent = `${player.speakerDelayMs} ms`;
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') player.burst();
  });
  window.setInterval(() => {
    const target = player.target() ?? 0;
    const entry = player.timeline ? player.playlist[player.timeline.index] : undefined;
    $<HTMLProgressElement>('progress').value = entry?.duration ? target / entry.duration : 0;
    $('clock').textContent = clock(Math.max(0, audio.currentTime));
    $('sync').textContent = player.clock.ready
      ? `Round trip ${player.clock.rtt.toFixed(1)} ms · off by ${Math.abs(player.lastErrorMs).toFixed(0)} ms`
      : '';
  }, 500);
}

document.addEventListener('DOMContentLoaded', () => {
  spendCode()
    .catch((err: Error) => showError(`Cannot reach the room: ${err.message}`))
    .finally(start);
});
