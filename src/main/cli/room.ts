/**
 * `tunecamp-share room open [options] FILE|FOLDER...`: a listening room on its own, without the
 * daemon: a LAN server (rooms only, no device tracks) on the given files (a folder adds its audio
 * files, sorted by path), prints a join link, and takes the host's controls on stdin until
 * `close`, end of input or Ctrl-C. With --json every line on stdout is a JSON event, timeline
 * changes included with their host time as epoch ms (the bench measures drift from them).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { LanServer } from '../core/lan/lan-server';
import { RoomHost } from '../core/lan/rooms/room-host';
import { roomPageScript } from '../core/lan/rooms/page-script';
import { dataSaverIn } from '../core/lan/rooms/hls-routes';
import type { RoomTrack } from '../core/lan/rooms/room';
import { isAudioFile } from '../core/library/mime';
import { readTrack } from '../core/library/read-track';
import { EXIT } from './exit-codes';
import { defaultStateDir } from './paths';
import { roomLinks } from './room-links';

/** The subcommand's help. */
export const ROOM_USAGE = `Usage: tunecamp-share room open [options] FILE|FOLDER...

Opens a listening room on these files and prints a join link for browsers on the LAN.
  --host ADDR            address to listen on (default 0.0.0.0; may be given more than
                         once); links use it, or the LAN interfaces' addresses for 0.0.0.0
  --port N               port (default 0: any free port)
  --listeners-control    listeners may play, pause, seek and skip
  --pause-for-buffering  pause everyone while someone buffers
  --rate-nudge           pages nudge playbackRate by up to 3 % between seeks
  --json                 JSON events on stdout
Then type on stdin: play | pause | seek SECONDS | skip | select N | link | who | time | close
`;

interface RoomArgs {
  hosts: string[];
  port: number;
  json: boolean;
  options: { listenersControl: boolean; pauseForBuffering: boolean; rateNudge: boolean };
  inputs: string[];
}

function parse(argv: readonly string[]): RoomArgs | string {
  if (argv[0] !== 'open') return 'the only room command is "open"';
  const a: RoomArgs = {
    hosts: [],
    port: 0,
    json: false,
    options: { listenersControl: false, pauseForBuffering: false, rateNudge: false },
    inputs: [],
  };
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--host') a.hosts.push(argv[++i] ?? '');
    else if (v === '--port') a.port = Number(argv[++i]);
    else if (v === '--json') a.json = true;
    else if (v === '--listeners-control') a.options.listenersControl = true;
    else if (v === '--pause-for-buffering') a.options.pauseForBuffering = true;
    else if (v === '--rate-nudge') a.options.rateNudge = true;
    else if (v.startsWith('--')) return `unknown option ${v}`;
    else a.inputs.push(v);
  }
  if (a.hosts.length === 0) a.hosts.push('0.0.0.0');
  if (!a.hosts.every((h) => /^[0-9a-fA-F:.]+$/.test(h))) return '--host must be an IP address';
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) return '--port takes 0 to 65535';
  if (a.inputs.length === 0) return 'name at least one audio file or folder';
  return a;
}

/** The audio files of the inputs, folders expanded (recursively, sorted). */
async function expand(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const p = path.resolve(input);
    const st = await stat(p).catch(() => null);
    if (!st) throw new Error(`${input}: no such file or folder`);
    if (st.isFile()) out.push(p);
    else {
      const entries = await readdir(p, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile() && isAudioFile(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      if (files.length === 0) throw new Error(`${input}: no audio files in this folder`);
      out.push(...files);
    }
  }
  return out;
}

async function loadQueue(files: string[]): Promise<RoomTrack[]> {
  const queue: RoomTrack[] = [];
  for (const f of files) {
    const r = await readTrack(f);
    if (!r.ok) throw new Error(`${f}: ${r.reason}`);
    const t = r.track;
    queue.push({
      id: t.id,
      path: f,
      size: r.stamp.size,
      mtimeMs: r.stamp.mtimeMs,
      mimeType: t.mimeType,
      title: t.title,
      ...(t.artist ? { artist: t.artist } : {}),
      ...(t.duration ? { duration: t.duration } : {}),
    });
  }
  return queue;
}

/** Runs `room …`; resolves with the exit code when the room closes. */
export async function runRoom(argv: readonly string[]): Promise<number> {
  if (argv[0] === '-h' || argv[0] === '--help' || argv.length === 0) {
    process.stdout.write(ROOM_USAGE);
    return argv.length === 0 ? EXIT.usage : 0;
  }
  const a = parse(argv);
  if (typeof a === 'string') {
    process.stderr.write(`tunecamp-share room: ${a}\n${ROOM_USAGE}`);
    return EXIT.usage;
  }
  let queue: RoomTrack[];
  try {
    queue = await loadQueue(await expand(a.inputs));
  } catch (err) {
    process.stderr.write(`tunecamp-share room: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const host = new RoomHost({
    pageScript: roomPageScript(),
    maxRangeBytes: 8 << 20,
    chunkSize: 1 << 20,
    // Data-saver renditions (with the host's ffmpeg) are kept where the daemon keeps them.
    dataSaver: dataSaverIn(path.join(defaultStateDir(), 'hls')),
  });
  // One server per address, all serving the same rooms.
  const servers: LanServer[] = [];
  for (const bind of a.hosts) {
    try {
      servers.push(
        await LanServer.start({
          host: bind,
          port: a.port,
          resolve: () => undefined, // rooms only: no device tracks
          authorize: () => undefined,
          rooms: host,
        }),
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      process.stderr.write(`tunecamp-share room: cannot listen on ${bind}:${a.port} (${code})\n`);
      for (const s of servers) await s.close();
      return EXIT.failure;
    }
  }
  const room = host.open(queue, a.options);
  const out = (event: string, data: object, text: string) =>
    process.stdout.write(a.json ? `${JSON.stringify({ event, ...data })}\n` : `${text}\n`);
  const link = () => {
    const code = room.keys.createCode();
    const links = servers.flatMap((s, i) => roomLinks(a.hosts[i]!, s.port, room.id, code));
    out('link', { links }, links.join('\n'));
  };
  out(
    'open',
    {
      id: room.id,
      ports: servers.map((s) => s.port),
      queue: queue.map((t) => ({ id: t.id, title: t.title, duration: t.duration })),
    },
    `Room open with ${queue.length} track(s). Join link (one use each; type "link" for another):`,
  );
  link();
  room.on('timeline', (t) => {
    // Host times are this process's monotonic clock (ms); `time` prints it, to map them.
    if (a.json) out('timeline', { ...t, issued: performance.now() }, '');
  });
  const rl = readline.createInterface({ input: process.stdin });
  const done = new Promise<void>((resolve) => {
    rl.on('close', resolve);
    room.once('closed', resolve);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, resolve);
  });
  rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'play') room.play();
    else if (cmd === 'pause') room.pause();
    else if (cmd === 'skip') room.skip();
    else if (cmd === 'seek' && Number(arg) >= 0) room.seek(Number(arg));
    else if (cmd === 'select' && Number.isInteger(Number(arg)))
      room.select(Number(arg) - 1, room.status.state === 'playing');
    else if (cmd === 'link') link();
    else if (cmd === 'time') out('time', { now: performance.now() }, String(performance.now()));
    else if (cmd === 'who') {
      const users = room.state().listeners;
      out(
        'who',
        { users },
        users
          .map(
            (u) =>
              `${u.name}  ${u.state}  offset ${u.offset.toFixed(1)} ms  rtt ${u.rtt.toFixed(1)} ms  error ${u.errorMs.toFixed(0)} ms`,
          )
          .join('\n') || 'Nobody yet.',
      );
    } else if (cmd === 'close') room.close();
    else if (cmd)
      process.stderr.write(
        `unknown: ${line.trim()} (play | pause | seek SECONDS | skip | select N | link | who | time | close)\n`,
      );
  });
  await done;
  rl.close();
  room.close();
  for (const s of servers) await s.close();
  out('closed', {}, 'Room closed.');
  return 0;
}
