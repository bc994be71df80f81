/**
 * The peer tunnel: one WebSocket to a TuneCamp server (PROTOCOL.md), kept alive until stop().
 * It authenticates at the upgrade, answers pings at once, publishes the manifest after every
 * auth_ok, routes requests to the transfer layer and reconnects per the retry policy. It never
 * puts the token or the socket URL into a status, event, error or log line.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { ConnectionState, ConnectionStatus, ManifestTrack } from '../../../shared/contract';
import { DEFAULT_BACKOFF, quickRetryDelay, retryDecision, type BackoffOptions } from './backoff';
import { encodeFrame, parseServerFrame, PONG_FRAME } from './frames';
import { frameFingerprint, ManifestEncoder, validateManifest } from './manifest';
import * as P from './problems';
import { peerSocketUrl } from './server-url';
import { DeliveryMeter } from './delivery';
import { readCertificate, wantsCertificate } from '../net/net-errors';
import * as Proxy from '../net/proxy';
import { createSink, type FrameSink } from './sink';
import { CONFLICT_STREAK, judgeClose, nextStatus } from './status';
import type { TunnelEvents, TunnelOptions } from './types';

export type { FrameSink } from './sink';
export type { PeerRequest, TunnelEvents, TunnelOptions } from './types';

/** Largest frame accepted from the server; a bigger one closes the socket and we reconnect. */
const MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * A zero masking key: ws then skips XOR-ing every outgoing byte, about half of our CPU per MB
 * streamed. Masking exists so that script in a browser cannot make a frame look like an HTTP
 * request to a confused proxy (RFC 6455 §10.3). Our frames are our own JSON, and file bytes only
 * ever travel as base64 (no spaces, no CR/LF), so no file can spell a request line.
 */
function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

interface Session {
  ws: WebSocket;
  sink: FrameSink | null;
  /** Measures what the server has received (WebSocket ping round trips); from auth_ok on. */
  delivery?: DeliveryMeter;
  sessionId?: string;
  /** `performance.now()` at auth_ok: a session's lifetime must not follow wall-clock jumps. */
  authAt?: number;
  sentFingerprint?: string;
  /** A manifest is in the socket's queue; another change waits for it (see publish). */
  sending?: boolean;
  publishAgain?: boolean;
  problem?: P.TunnelProblem;
  silence?: NodeJS.Timeout;
  authTimer?: NodeJS.Timeout;
  /** The close waits for this (reading an expired certificate's date for the message). */
  hold?: Promise<void>;
}

/** One tunnel per server+token. Lifecycle: start() → (connect, serve, reconnect)* → stop(). */
export class PeerTunnel extends EventEmitter<TunnelEvents> {
  private readonly opts: Required<Omit<TunnelOptions, 'random' | 'retry'>>;
  private readonly backoff: BackoffOptions;
  private current: Session | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private running = false;
  private attempt = 0;
  private shortSessions = 0;
  /** The validated list, until it is first encoded (then only `frame` is kept). */
  private manifest: ManifestTrack[] | null = null;
  /**
   * The encoded manifest frame, kept for the next session: a reconnect sends it without encoding
   * again, and the tracks' objects need not be held beside it.
   */
  private frame: { data: Buffer; fingerprint: string; tracks: number } | null = null;
  private manifestProblems: string[] = [];
  /** Reuses one buffer for every manifest frame; see publish() for when that is safe. */
  private readonly encoder = new ManifestEncoder();
  private counts = { invalidFrames: 0, unknownFrames: 0 };
  private state: ConnectionStatus;

  constructor(opts: TunnelOptions) {
    super();
    this.opts = {
      server: opts.server,
      token: opts.token,
      allowDownloads: opts.allowDownloads,
      silenceTimeoutMs: opts.silenceTimeoutMs ?? 45_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 15_000,
      publishDebounceMs: opts.publishDebounceMs ?? 150,
      conflictWindowMs: opts.conflictWindowMs ?? 10_000,
    };
    this.backoff = { ...DEFAULT_BACKOFF, random: opts.random ?? Math.random, ...opts.retry };
    this.state = { state: 'stopped', server: opts.server, since: Date.now(), publishedTracks: 0 };
  }

  /** The current connection status (a copy is emitted on every change). */
  get status(): ConnectionStatus {
    return this.state;
  }

  /** The live session's sink, or null when no session is authenticated. */
  get sink(): FrameSink | null {
    return this.current?.sink ?? null;
  }

  /** Frames dropped because they were malformed, and frames of unknown types (both ignored). */
  get stats(): { invalidFrames: number; unknownFrames: number } {
    return { ...this.counts };
  }

  /** What validation repaired or dropped in the last setManifest() list. */
  get lastManifestProblems(): readonly string[] {
    return this.manifestProblems;
  }

  /** Connect, and keep reconnecting per the retry policy until stop(). Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.shortSessions = 0;
    this.connect();
  }

  /** Close the socket, clear every timer, end in state `stopped`. Resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer('retryTimer');
    this.clearTimer('publishTimer');
    const s = this.current;
    this.current = null;
    this.setStatus('stopped', {});
    if (!s) return;
    this.endSession(s);
    if (s.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      s.ws.once('close', () => resolve());
      s.ws.terminate();
    });
  }

  /**
   * While waiting to retry, connect now: the reason to wait is known to be gone (the other sharer
   * on this account has quit). Clears the conflict streak. Does nothing in any other state.
   */
  retryNow(): void {
    if (!this.running || !this.retryTimer) return;
    this.clearTimer('retryTimer');
    this.shortSessions = 0;
    this.connect();
  }

  /**
   * Set the full track list. It is validated, then sent (coalesced over publishDebounceMs) when
   * connected, and in full after every auth_ok; an identical list is not resent on one session.
   */
  setManifest(tracks: ManifestTrack[]): void {
    const { tracks: valid, problems } = validateManifest(tracks);
    this.manifest = valid;
    this.frame = null;
    this.manifestProblems = problems;
    if (!this.current?.sessionId || this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.publish();
    }, this.opts.publishDebounceMs);
  }

  private connect(): void {
    this.retryTimer = null;
    if (!this.running) return;
    let ws: WebSocket;
    let proxy: Proxy.ServerProxy | null;
    try {
      proxy = Proxy.proxyFor(this.opts.server);
    } catch (err) {
      this.running = false;
      const message = (err as Error).message;
      return void this.setStatus('stopped', { problem: { code: 'not-configured', message } });
    }
    const agent = proxy ? Proxy.tunnelAgent(proxy) : undefined;
    try {
      ws = new WebSocket(
        peerSocketUrl(this.opts.server, this.opts.token, this.opts.allowDownloads),
        {
          perMessageDeflate: false, // never offer compression: audio does not compress and it costs memory
          handshakeTimeout: this.opts.connectTimeoutMs,
          maxPayload: MAX_PAYLOAD,
          followRedirects: false, // a redirect could carry the token to another host
          generateMask: zeroMask,
          agent,
        },
      );
    } catch {
      this.running = false;
      this.setStatus('stopped', {
        problem: {
          code: 'not-configured',
          message: 'The server address is not valid; check it in settings.',
        },
      });
      return;
    }
    const s: Session = { ws, sink: null };
    this.current = s;
    this.setStatus('connecting', {});
    ws.on('unexpected-response', (_req, res) => {
      s.problem ??= P.problemForStatus(res.statusCode ?? 0, this.opts.server);
      res.resume(); // drain the refusal body; terminate() then aborts the request
      ws.terminate();
    });
    let tunnelled = false;
    agent?.on('proxyConnect', ({ statusCode }: { statusCode: number }) => {
      tunnelled = statusCode === 200;
      if (!tunnelled)
        s.problem ??= P.problemForProxy(Proxy.proxyRefusalMessage(proxy!, statusCode));
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (proxy && !tunnelled && Proxy.PROXY_SOCKET_CODES.has(err.code ?? ''))
        s.problem ??= P.problemForProxy(new Proxy.ProxyUnreachableError(proxy, err.code!).message);
      if (s.problem) return;
      s.problem = P.problemForError(err, this.opts.server, this.opts.token);
      if (wantsCertificate(err) && !proxy) {
        s.hold = readCertificate(this.opts.server).then((cert) => {
          s.problem = P.problemForError(err, this.opts.server, this.opts.token, cert);
        });
      }
    });
    ws.on('open', () => {
      s.authTimer = setTimeout(() => {
        s.problem ??= P.problemForNoAuth(this.opts.server);
        ws.terminate();
      }, this.opts.connectTimeoutMs);
      s.silence = setTimeout(() => {
        s.problem ??= P.problemForSilence(this.opts.server, this.opts.silenceTimeoutMs);
        ws.terminate();
      }, this.opts.silenceTimeoutMs);
    });
    ws.on('message', (data, isBinary) => this.onMessage(s, data, isBinary));
    ws.on('pong', (data) => s.delivery?.pong(data));
    ws.on('close', (code) => this.onClose(s, code));
  }

  private onMessage(s: Session, data: WebSocket.RawData, isBinary: boolean): void {
    s.silence?.refresh();
    const frame = parseServerFrame(data, isBinary);
    // Pongs first and synchronously: the server drops clients that answer late.
    if (frame.type === 'ping') return void this.write(s, PONG_FRAME);
    if (this.current !== s) return;
    switch (frame.type) {
      case 'auth_ok':
        return this.onAuth(s, frame.sessionId);
      case 'stream_request':
      case 'download_request':
        if (!s.sessionId) return void this.counts.invalidFrames++;
        return void this.emit('request', {
          requestId: frame.requestId,
          trackId: frame.trackId,
          kind: frame.type === 'stream_request' ? 'stream' : 'download',
        });
      case 'cancel_request':
        return void this.emit('cancel', frame.requestId);
      case 'bad_request':
        // Answer at once, so the listener's HTTP request ends instead of waiting for a timeout.
        this.counts.invalidFrames++;
        if (!s.sessionId) return;
        return void this.write(
          s,
          encodeFrame({
            type: 'chunk_error',
            requestId: frame.requestId,
            message: `Cannot serve this request: ${frame.reason}.`,
          }),
        );
      case 'system':
        if (frame.text) this.emit('system', P.scrub(frame.text, this.opts.token));
        return;
      case 'chat':
        return;
      case 'unknown':
        return void this.counts.unknownFrames++;
      case 'invalid':
        return void this.counts.invalidFrames++;
    }
  }

  private onAuth(s: Session, sessionId: string): void {
    if (s.sessionId) return void this.counts.invalidFrames++; // a second auth_ok on one socket is noise
    clearTimeout(s.authTimer);
    s.sessionId = sessionId;
    s.authAt = performance.now();
    const delivery = new DeliveryMeter(
      (payload) => s.ws.ping(payload),
      () => performance.now(),
    );
    s.delivery = delivery;
    s.sink = createSink(
      s.ws,
      () => this.current === s,
      (frame, cb) => this.write(s, frame, cb),
      delivery,
    );
    const conflict = this.shortSessions >= CONFLICT_STREAK ? P.problemForConflict() : undefined;
    this.setStatus('connected', { sessionId, problem: conflict, publishedTracks: 0 });
    this.publish();
  }

  /**
   * Sends the current manifest unless this session already holds it. At most one manifest is
   * queued in the socket at a time: changes made meanwhile are sent once it has left, as one
   * list. Without this, a large library scanning over a slow link would pile up a full copy of
   * the list (19 MiB at 100k tracks) per change in memory.
   */
  private publish(): void {
    const s = this.current;
    if (!s?.sessionId || s.ws.readyState !== WebSocket.OPEN) return;
    if (s.sending) {
      s.publishAgain = true;
      return;
    }
    const frame = this.encodedManifest();
    if (!frame || frame.fingerprint === s.sentFingerprint) return;
    s.sentFingerprint = frame.fingerprint;
    s.sending = true;
    this.write(s, frame.data, (err) => {
      s.sending = false;
      if (err || this.current !== s) return;
      this.setStatus('connected', { publishedTracks: frame.tracks });
      this.emit('published', frame.tracks);
      if (s.publishAgain) {
        s.publishAgain = false;
        this.publish();
      }
    });
  }

  /**
   * The current manifest as a frame: UTF-8 once, so the hash, the byte count and the socket all
   * take the same Buffer (19 MiB at 100k tracks).
   */
  private encodedManifest(): { data: Buffer; fingerprint: string; tracks: number } | null {
    if (!this.frame && this.manifest) {
      // Overwrites the previous frame's bytes. Safe: publish() encodes only when no manifest is
      // in the socket's queue (`sending`), and a closed session's socket has dropped its queue.
      const data = this.encoder.encode(this.manifest);
      this.frame = { data, fingerprint: frameFingerprint(data), tracks: this.manifest.length };
      this.manifest = null;
    }
    return this.frame;
  }

  /** Every frame we send goes through here, so the delivery meter counts every byte. */
  private write(s: Session, frame: string | Buffer, cb?: (err?: Error) => void): void {
    // binary: false keeps Buffers as text frames: the server ignores binary frames.
    s.ws.send(frame, { binary: false }, cb && ((err) => cb(err ?? undefined)));
    s.delivery?.wrote(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);
  }

  private onClose(s: Session, code: number): void {
    if (s.hold) {
      const hold = s.hold;
      s.hold = undefined;
      return void hold.then(() => this.onClose(s, code));
    }
    this.endSession(s);
    if (this.current !== s) return;
    this.current = null;
    this.clearTimer('publishTimer');
    if (!this.running) return;
    let problem = s.problem ?? P.problemForDrop(this.opts.server, code);
    let quick = false;
    if (s.authAt !== undefined) {
      const v = judgeClose(
        performance.now() - s.authAt,
        this.opts.conflictWindowMs,
        this.shortSessions,
        !!s.problem,
      );
      this.shortSessions = v.shortSessions;
      if (v.resetAttempts) this.attempt = 0;
      if (v.conflict) problem = P.problemForConflict();
      quick = v.resetAttempts && !v.conflict;
    }
    let decision = retryDecision(problem.failure, this.attempt++, this.backoff);
    if (quick && decision.retry && problem.failure.kind === 'network') {
      decision = { retry: true, delayMs: quickRetryDelay(this.backoff.random) };
    }
    const { failure: _failure, ...shown } = problem;
    if (shown.status === undefined) delete shown.status;
    if (!decision.retry) {
      this.running = false;
      this.setStatus('stopped', { problem: shown });
      return;
    }
    const nextRetryAt = Date.now() + decision.delayMs;
    this.setStatus('waiting', { problem: shown, nextRetryAt });
    this.retryTimer = setTimeout(() => this.connect(), decision.delayMs);
  }

  private endSession(s: Session): void {
    s.delivery?.dispose();
    clearTimeout(s.silence);
    clearTimeout(s.authTimer);
  }

  private setStatus(state: ConnectionState, patch: Partial<ConnectionStatus>): void {
    this.state = nextStatus(this.state, state, patch, this.opts.server);
    this.emit('status', { ...this.state });
  }

  private clearTimer(name: 'retryTimer' | 'publishTimer'): void {
    if (this[name]) clearTimeout(this[name]);
    this[name] = null;
  }
}
