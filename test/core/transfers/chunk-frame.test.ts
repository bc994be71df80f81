import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64Length,
  chunkFrameLength,
  encodeChunkEnd,
  encodeChunkError,
  encodeChunkFrame,
} from '../../../src/main/core/transfers/chunk-frame';

const ids = [
  '3f2a9c1e-1b2c-4d5e-8f90-0123456789ab',
  'with "quotes" and \\backslash\\',
  'ctl\u0000\u001f\n\t',
  'unicode ✓ 🎵 é',
  'lone \ud800 surrogate',
  '',
];

describe('chunk frames', () => {
  it('round-trips through JSON.parse exactly, for any id and size', () => {
    for (const id of ids) {
      for (const size of [0, 1, 2, 3, 4, 5, 65535, 65536]) {
        const data = randomBytes(size);
        const seq = size * 7;
        const frame = encodeChunkFrame(id, seq, data);
        const parsed = JSON.parse(frame.toString('utf8')) as Record<string, unknown>;
        expect(Object.keys(parsed)).toEqual(['type', 'requestId', 'seq', 'data']);
        expect(parsed.type).toBe('chunk');
        expect(parsed.requestId).toBe(JSON.parse(JSON.stringify(id)));
        expect(parsed.seq).toBe(seq);
        expect(Buffer.from(parsed.data as string, 'base64').equals(data)).toBe(true);
        expect(frame.length).toBe(chunkFrameLength(id, seq, size));
        // Identical to the slow path, byte for byte.
        const slow = JSON.stringify({
          type: 'chunk',
          requestId: id,
          seq,
          data: data.toString('base64'),
        });
        expect(frame.toString('utf8')).toBe(slow);
      }
    }
  });

  it('keeps a 64 KiB chunk within ~87.4 KiB of frame', () => {
    expect(base64Length(65536)).toBe(87384);
    expect(
      encodeChunkFrame('3f2a9c1e-1b2c-4d5e-8f90-0123456789ab', 0, Buffer.alloc(65536)).length,
    ).toBeLessThan(87384 + 100);
  });

  it('rejects invalid seqs', () => {
    expect(() => encodeChunkFrame('x', -1, Buffer.alloc(1))).toThrow(RangeError);
    expect(() => encodeChunkFrame('x', 1.5, Buffer.alloc(1))).toThrow(RangeError);
  });

  it('encodes chunk_end and chunk_error', () => {
    expect(JSON.parse(encodeChunkEnd('a"b').toString())).toEqual({
      type: 'chunk_end',
      requestId: 'a"b',
    });
    expect(JSON.parse(encodeChunkError('r1', 'File "x" gone').toString())).toEqual({
      type: 'chunk_error',
      requestId: 'r1',
      message: 'File "x" gone',
    });
  });
});
