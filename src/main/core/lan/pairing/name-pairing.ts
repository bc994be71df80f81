/**
 * Pairing by name for the engine: both directions of it while LAN sharing runs. Incoming requests
 * come through the peer listener (NameRequests) and wait for this user's answer; outgoing ones are
 * made to a device from the Nearby list, pinned to the id it announced, and complete only when
 * both users have confirmed the same code.
 */
import { randomBytes } from 'node:crypto';
import type { Identity } from '../identity';
import type { PeerTarget } from '../peer/peer-client';
import { addPeer, formatAddress } from './peers-store';
import {
  answerPairing,
  awaitPairing,
  requestPairing,
  type OutgoingRequest,
} from './name-pair-client';
import { NameRequests, REQUEST_TTL_MS } from './name-requests';

/** What pairing by name needs from the LAN service. */
export interface NamePairingOptions {
  stateDir: string;
  me: Identity;
  myName: string;
  /** Our peer listener's port, so the other side can reach us back. */
  myPort: number;
  /** Where a device from the Nearby list has its peer listener, if it was seen. */
  locate: (id: string) => PeerTarget | undefined;
  /** A pairing completed (either direction): tell the user, refresh the lists. */
  paired: (name: string) => void;
  /** The incoming requests changed. */
  changed: () => void;
  /** How long a request lasts (default two minutes; tests shorten it). */
  ttlMs?: number;
}

/** Both directions of pairing by name. */
export class NamePairing {
  /** Incoming requests, for the peer listener's `/peer/v1/pair-*` routes. */
  readonly incoming: NameRequests;
  private readonly outgoing = new Map<string, OutgoingRequest & { deadline: number }>();

  constructor(private readonly o: NamePairingOptions) {
    this.incoming = new NameRequests({
      stateDir: o.stateDir,
      myId: o.me.id,
      myName: o.myName,
      ttlMs: o.ttlMs,
    });
    this.incoming.on('change', () => o.changed());
    this.incoming.on('paired', (name) => o.paired(name));
  }

  /** Asks device `id` to pair; answers the code to show and a handle for `confirm`. */
  async start(id: string): Promise<{ pairing: string; code: string; name: string }> {
    const target = this.o.locate(id);
    if (!target)
      throw new Error('That device is not on the network now: pair with a link instead.');
    let r: OutgoingRequest;
    try {
      r = await requestPairing(target, this.o.me, this.o.myName, this.o.myPort);
    } catch (err) {
      throw new Error(`Cannot pair: ${(err as Error).message}.`, { cause: err });
    }
    const pairing = randomBytes(12).toString('base64url');
    this.outgoing.set(pairing, { ...r, deadline: Date.now() + (this.o.ttlMs ?? REQUEST_TTL_MS) });
    return { pairing, code: r.code, name: r.name };
  }

  /**
   * This user's word on the code. `false` cancels on both sides. `true` waits for the other user;
   * resolves with the device's name once paired, else rejects with what happened.
   */
  async confirm(pairing: string, match: boolean): Promise<string> {
    const r = this.outgoing.get(pairing);
    if (!r) throw new Error('That pairing is no longer in progress.');
    this.outgoing.delete(pairing);
    if (!match) {
      await answerPairing(r, this.o.me, false).catch(() => undefined);
      throw new Error('Not paired: the codes differ. Someone else may be answering in its name.');
    }
    // Refused when the other user already declined: the status below says so in words.
    await answerPairing(r, this.o.me, true).catch(() => undefined);
    const outcome = await awaitPairing(r, this.o.me, r.deadline).catch((err: Error) => {
      throw new Error(`Not paired: ${err.message}.`, { cause: err });
    });
    if (outcome !== 'paired')
      throw new Error(
        outcome === 'expired'
          ? `Not paired: ${r.name} did not answer in time.`
          : `Not paired: ${r.name} declined.`,
      );
    await addPeer(this.o.stateDir, {
      id: r.target.id,
      name: r.name,
      address: formatAddress(r.target.host, r.target.port),
    });
    this.o.paired(r.name);
    return r.name;
  }

  /** Ends everything in progress (LAN sharing stops). */
  close(): void {
    this.incoming.close();
    this.outgoing.clear();
  }
}
