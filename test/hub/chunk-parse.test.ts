import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { parseChunkFrame } from './chunk-parse';
import { encodeChunkFrame } from '../../src/main/core/transfers/chunk-frame';
import { createRng } from '../../bench/corpus/prng';

/** What the emulator's JSON path makes of a frame: null when it is not a chunk frame at all. */
function viaJson(
  frame: Buffer,
): { keys: string[]; requestId: unknown; seq: unknown; bytes: Buffer } | null {
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(frame.toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (msg === null || typeof msg !== 'object' || msg.type !== 'chunk') return null;
  return {
    keys: Object.keys(msg),
    requestId: msg.requestId,
    seq: msg.seq,
    bytes: Buffer.from(String(msg.data ?? ''), 'base64'),
  };
}

/** Bytes a mutation may put in: JSON syntax, escapes, padding, control and non-ASCII bytes. */
const NASTY = [...'"\\=,:{}[] \n\t0159-_+/AZaz']
  .map((c) => c.charCodeAt(0))
  .concat([0, 1, 0x1f, 0x7f, 0xc3, 0xa9, 0xff]);

describe('parseChunkFrame (hub emulator fast path)', () => {
  it('reads the frames our client sends, exactly as JSON.parse does', () => {
    const rng = createRng(7);
    for (let n = 0; n < 300; n++) {
      const id = rng.chance(0.5) ? crypto.randomUUID() : `r-${rng.int(0, 1e6)}_x`;
      const seq = rng.int(0, 3) === 0 ? 0 : rng.int(0, 1e9);
      const data = rng.bytes(rng.int(0, 70));
      const parsed = parseChunkFrame(encodeChunkFrame(id, seq, data));
      expect(parsed).not.toBeNull();
      expect(parsed?.requestId).toBe(id);
      expect(parsed?.seq).toBe(seq);
      expect(parsed?.bytes.equals(data)).toBe(true);
    }
    const big = createRng(1).bytes(64 * 1024);
    expect(parseChunkFrame(encodeChunkFrame('abc', 12, big))?.bytes.equals(big)).toBe(true);
  });

  it('leaves every other shape to JSON.parse', () => {
    const frames = [
      '{"type":"chunk","requestId":"a\\"b","seq":1,"data":"AAAA"}', // escaped id
      '{"type":"chunk","requestId":"é","seq":1,"data":"AAAA"}', // non-ASCII id
      '{"type":"chunk","requestId":"","seq":1,"data":"AAAA"}', // empty id
      '{"type":"chunk","requestId":"a","seq":01,"data":"AAAA"}', // not JSON
      '{"type":"chunk","requestId":"a","seq":-1,"data":"AAAA"}',
      '{"type":"chunk","requestId":"a","seq":1.5,"data":"AAAA"}',
      '{"type":"chunk","requestId":"a","seq":1,"data":"AA\\u0041A"}', // escape in the data
      '{"type":"chunk","requestId":"a","seq":1,"data":"AA\u0001A"}', // control byte: JSON refuses it
      '{"type":"chunk","requestId":"a","seq":1,"data":"AA=A"}',
      '{"type":"chunk","requestId":"a","seq":1,"data":"AAA"}',
      '{"type":"chunk","requestId":"a","seq":1,"data":"AAAA","seq":2}',
      '{"type":"chunk","requestId":"a","seq":1,"data":"AAAA"} ',
      '{"type":"chunk","requestId":"a","seq":1,"data":"AA"AA"}',
      '{"type": "chunk","requestId":"a","seq":1,"data":"AAAA"}',
      '{"requestId":"a","type":"chunk","seq":1,"data":"AAAA"}',
      `{"type":"chunk","requestId":"${'a'.repeat(201)}","seq":1,"data":"AAAA"}`,
    ];
    for (const f of frames) expect(parseChunkFrame(Buffer.from(f)), f).toBeNull();
  });

  it('never disagrees with JSON.parse on mutated frames', () => {
    const rng = createRng(11);
    let accepted = 0;
    let mutatedAccepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const frame = Buffer.from(
        encodeChunkFrame(
          rng.chance(0.3) ? 'r1' : crypto.randomUUID(),
          rng.int(0, 120),
          rng.bytes(rng.int(0, 12)),
        ),
      );
      const bytes = [...frame];
      const edits = rng.int(0, 3);
      for (let e = 0; e < edits; e++) {
        const at = rng.int(0, bytes.length - 1);
        const b = rng.pick(NASTY);
        const op = rng.int(0, 2);
        if (op === 0) bytes[at] = b;
        else if (op === 1) bytes.splice(at, 0, b);
        else bytes.splice(at, 1);
      }
      const mutated = Buffer.from(bytes);
      if (!isUtf8(mutated)) continue; // ws closes the socket on such frames before the hub sees them
      const fast = parseChunkFrame(mutated);
      if (!fast) continue;
      accepted++;
      if (!mutated.equals(frame)) mutatedAccepted++;
      const ref = viaJson(mutated);
      expect(ref, mutated.toString('latin1')).not.toBeNull();
      expect(ref?.keys).toEqual(['type', 'requestId', 'seq', 'data']);
      expect(ref?.requestId).toBe(fast.requestId);
      expect(ref?.seq).toBe(fast.seq);
      expect(ref?.bytes.equals(fast.bytes), mutated.toString('latin1')).toBe(true);
    }
    // The comparison above must actually have run, on mutated frames too.
    expect(accepted).toBeGreaterThan(3000);
    expect(mutatedAccepted).toBeGreaterThan(300);
  });
});
