/**
 * Pairing by name, the answering side. A device picked from the Nearby list asks to pair over the
 * mutual TLS listener; both screens then show the same short code (short-code.ts) and each user
 * confirms it. This side pairs only when its own user accepted AND the other side's user said the
 * codes match; until then nothing is stored.
 *
 * - `POST /peer/v1/pair-request {name, port?, commit}` → `{request, nonce}`
 * - `POST /peer/v1/pair-reveal {request, nonce}` → the code can now be shown here
 * - `POST /peer/v1/pair-confirm {request}` / `pair-cancel {request}`: the other user's answer
 * - `GET /peer/v1/pair-status?request=ID` → waits (≤ 20 s) for `{state, name?}`
 *
 * Every call must come from the certificate that opened the request. Requests are limited per
 * address (3 a minute) and in number (4 waiting), and last two minutes.
 */
import { EventEmitter } from 'node:events';
import type { PairRequest } from '../../../../shared/contract';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addPeer, formatAddress } from './peers-store';
import { isNonce, newNonce, opens, shortCode } from './short-code';
import { readBody, sendJson } from '../peer/peer-routes';

/** How long a request waits for both answers. */
export const REQUEST_TTL_MS = 2 * 60_000;
const PER_ADDRESS_PER_MINUTE = 3;
const MAX_WAITING = 4;
const STATUS_WAIT_MS = 20_000;

/** Where a request stands; `paired` once both users confirmed. */
export type RequestState = 'committed' | 'asking' | 'paired' | 'declined' | 'cancelled' | 'expired';

/** An incoming request, as the window shows it. */
export type IncomingRequest = PairRequest;

interface Pending {
  request: string;
  deviceId: string;
  name: string;
  address: string;
  commit: string;
  nonce: string;
  code?: string;
  expiresAt: number;
  state: RequestState;
  acceptedHere: boolean;
  confirmedThere: boolean;
  timer: NodeJS.Timeout;
  waiters: Set<() => void>;
}

/** The answering side's requests, for the peer listener (routes) and the window (list, answer). */
export class NameRequests extends EventEmitter<{ change: []; paired: [name: string] }> {
  private readonly pending = new Map<string, Pending>();
  private readonly tries = new Map<string, number[]>();

  constructor(
    private readonly o: { stateDir: string; myId: string; myName: string; ttlMs?: number },
  ) {
    super();
  }

  /** Requests waiting for this user's answer (the code known). */
  list(): IncomingRequest[] {
    return [...this.pending.values()]
      .filter((p) => p.state === 'asking' && !p.acceptedHere && p.code)
      .map((p) => ({
        request: p.request,
        deviceId: p.deviceId,
        name: p.name,
        address: p.address,
        code: p.code!,
        expiresAt: p.expiresAt,
      }));
  }

  /** This user's answer: accept (the codes match) or decline. */
  async answer(request: string, accept: boolean): Promise<void> {
    const p = this.pending.get(request);
    if (!p || p.state !== 'asking') throw new Error('That pairing request is no longer waiting.');
    if (!accept) return this.finish(p, 'declined');
    p.acceptedHere = true;
    await this.settle(p);
    this.emit('change');
  }

  /** Ends every request (LAN sharing stops). */
  close(): void {
    for (const p of [...this.pending.values()]) this.finish(p, 'cancelled');
  }

  /** Answers `/peer/v1/pair-*` for the device whose certificate is `deviceId`. */
  async handle(req: IncomingMessage, res: ServerResponse, deviceId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://peer.invalid');
    const step = url.pathname.slice('/peer/v1/pair-'.length);
    if (step === 'status' && req.method === 'GET')
      return this.status(res, deviceId, url.searchParams.get('request') ?? '');
    if (req.method !== 'POST' || !['request', 'reveal', 'confirm', 'cancel'].includes(step))
      return sendJson(res, 404, { error: 'no such pairing step' });
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: 'the pairing request is not JSON' });
    }
    if (step === 'request') return this.open(req, res, deviceId, msg);
    const p = this.pending.get(typeof msg.request === 'string' ? msg.request : '');
    // Only the certificate that opened a request may take it further.
    if (!p || p.deviceId !== deviceId) return sendJson(res, 404, { error: 'no such request' });
    if (step === 'reveal') {
      if (p.state !== 'committed' || !isNonce(msg.nonce) || !opens(p.commit, msg.nonce)) {
        this.finish(p, 'cancelled');
        return sendJson(res, 400, { error: 'the nonce does not match its commitment' });
      }
      p.code = shortCode(deviceId, this.o.myId, msg.nonce, p.nonce);
      p.state = 'asking';
      this.emit('change');
      return sendJson(res, 200, { ok: true });
    }
    if (p.state !== 'asking') return sendJson(res, 409, { error: `the request is ${p.state}` });
    if (step === 'cancel') {
      this.finish(p, 'cancelled');
      return sendJson(res, 200, { ok: true });
    }
    p.confirmedThere = true;
    await this.settle(p);
    return sendJson(res, 200, { ok: true });
  }

  private open(
    req: IncomingMessage,
    res: ServerResponse,
    deviceId: string,
    msg: Record<string, unknown>,
  ): void {
    const addr = (req.socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
    const now = Date.now();
    const recent = (this.tries.get(addr) ?? []).filter((t) => now - t < 60_000);
    this.tries.set(addr, recent);
    const waiting = [...this.pending.values()].filter(
      (p) => p.state === 'committed' || p.state === 'asking',
    );
    if (recent.length >= PER_ADDRESS_PER_MINUTE || waiting.length >= MAX_WAITING)
      return sendJson(res, 429, { error: 'too many pairing requests: wait a minute' });
    if (typeof msg.commit !== 'string' || !/^[0-9a-f]{64}$/.test(msg.commit))
      return sendJson(res, 400, { error: 'the pairing request has no commitment' });
    recent.push(now);
    // One request per device: a new one replaces the old.
    for (const p of waiting) if (p.deviceId === deviceId) this.finish(p, 'cancelled');
    const port = typeof msg.port === 'number' && Number.isInteger(msg.port) ? msg.port : 0;
    const printable = [...(typeof msg.name === 'string' ? msg.name : '')]
      .filter((c) => c.charCodeAt(0) >= 0x20)
      .join('');
    const request = randomBytes(12).toString('base64url');
    const ttl = this.o.ttlMs ?? REQUEST_TTL_MS;
    const p: Pending = {
      request,
      deviceId,
      name: printable.slice(0, 64) || 'unnamed device',
      address: port > 0 && port < 65536 ? formatAddress(addr, port) : '',
      commit: msg.commit,
      nonce: newNonce(),
      expiresAt: now + ttl,
      state: 'committed',
      acceptedHere: false,
      confirmedThere: false,
      timer: setTimeout(() => this.finish(p, 'expired'), ttl),
      waiters: new Set(),
    };
    p.timer.unref();
    this.pending.set(request, p);
    sendJson(res, 200, { request, nonce: p.nonce, name: this.o.myName });
  }

  private status(res: ServerResponse, deviceId: string, request: string): void {
    const p = this.pending.get(request);
    if (!p || p.deviceId !== deviceId) return sendJson(res, 404, { error: 'no such request' });
    const answer = () => {
      clearTimeout(wait);
      p.waiters.delete(answer);
      sendJson(res, 200, { state: p.state, ...(p.state === 'paired' && { name: this.o.myName }) });
    };
    const wait = setTimeout(answer, STATUS_WAIT_MS);
    if (p.state !== 'committed' && p.state !== 'asking') return answer();
    p.waiters.add(answer);
    res.once('close', () => {
      clearTimeout(wait);
      p.waiters.delete(answer);
    });
  }

  /** Pairs once both users have said yes. */
  private async settle(p: Pending): Promise<void> {
    if (!p.acceptedHere || !p.confirmedThere || p.state !== 'asking') return;
    await addPeer(this.o.stateDir, {
      id: p.deviceId,
      name: p.name,
      ...(p.address && { address: p.address }),
    });
    this.finish(p, 'paired');
    this.emit('paired', p.name);
  }

  private finish(p: Pending, state: RequestState): void {
    if (
      p.state === 'paired' ||
      p.state === 'declined' ||
      p.state === 'cancelled' ||
      p.state === 'expired'
    )
      return;
    p.state = state;
    clearTimeout(p.timer);
    for (const w of [...p.waiters]) w();
    // Kept a little while so a late status call still learns the outcome.
    setTimeout(() => this.pending.delete(p.request), 30_000).unref();
    this.emit('change');
  }
}
