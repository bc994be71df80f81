import { describe, it, expect } from 'vitest';
import { encodeFrame, parseServerFrame, PONG_FRAME } from '../../../src/main/core/tunnel/frames';

const parse = (v: unknown) =>
  parseServerFrame(typeof v === 'string' ? v : JSON.stringify(v), false);

describe('parseServerFrame', () => {
  it('parses the frames the server sends', () => {
    expect(parse({ type: 'auth_ok', sessionId: 'abc' })).toEqual({
      type: 'auth_ok',
      sessionId: 'abc',
    });
    expect(parse({ type: 'ping' })).toEqual({ type: 'ping' });
    expect(parse({ type: 'stream_request', requestId: 'r1', trackId: 'ab12' })).toEqual({
      type: 'stream_request',
      requestId: 'r1',
      trackId: 'ab12',
    });
    expect(parse({ type: 'download_request', requestId: 'r2', trackId: 'ff' }).type).toBe(
      'download_request',
    );
    expect(parse({ type: 'cancel_request', requestId: 'r1' })).toEqual({
      type: 'cancel_request',
      requestId: 'r1',
    });
    expect(parse({ type: 'system', text: 'Server restarts soon' })).toEqual({
      type: 'system',
      text: 'Server restarts soon',
    });
  });

  it('accepts Buffers, fragmented Buffer arrays and ArrayBuffers', () => {
    const json = JSON.stringify({ type: 'ping' });
    expect(parseServerFrame(Buffer.from(json), false)).toEqual({ type: 'ping' });
    expect(
      parseServerFrame([Buffer.from(json.slice(0, 4)), Buffer.from(json.slice(4))], false),
    ).toEqual({
      type: 'ping',
    });
    const ab = new Uint8Array(Buffer.from(json)).buffer;
    expect(parseServerFrame(ab, false)).toEqual({ type: 'ping' });
  });

  it('quietly classifies chat traffic and counts unknown types', () => {
    for (const t of ['chat', 'pubkey', 'kicked', 'clear_history', 'chat_ack', 'rtc_signal']) {
      expect(parse({ type: t, payload: { x: 1 } })).toEqual({ type: 'chat', name: t });
    }
    expect(parse({ type: 'brand_new_feature' })).toEqual({
      type: 'unknown',
      name: 'brand_new_feature',
    });
  });

  it('marks binary, non-JSON and malformed frames invalid', () => {
    const invalid = [
      parseServerFrame(Buffer.from('{"type":"ping"}'), true),
      parse('not json'),
      parse('[1,2]'),
      parse('null'),
      parse('"ping"'),
      parse({ notype: 1 }),
      parse({ type: 42 }),
      parse({ type: 'auth_ok' }),
      parse({ type: 'stream_request', trackId: 'ab' }),
      parse({ type: 'download_request', requestId: '', trackId: 'ab' }),
      parse({ type: 'stream_request', requestId: 'r'.repeat(1001), trackId: 'ab' }),
      parse({ type: 'cancel_request', requestId: { $gt: '' } }),
      parseServerFrame(42, false),
    ];
    for (const f of invalid) expect(f.type).toBe('invalid');
  });

  it('marks requests that carry a requestId but cannot be served, so they can be answered', () => {
    expect(parse({ type: 'stream_request', requestId: 'r', trackId: '' })).toEqual({
      type: 'bad_request',
      requestId: 'r',
      reason: 'no valid track id',
    });
    expect(parse({ type: 'download_request', requestId: 'r', trackId: 12 }).type).toBe(
      'bad_request',
    );
    expect(parse({ type: 'stream_request', requestId: 'r', trackId: 'a\u0000b' }).type).toBe(
      'bad_request',
    );
    expect(parse({ type: 'stream_request', requestId: 'r'.repeat(201), trackId: 'ab' }).type).toBe(
      'bad_request',
    );
  });

  it('keeps path-like ids as opaque strings (they are looked up, never opened)', () => {
    const f = parse({ type: 'stream_request', requestId: 'r', trackId: '../../etc/passwd' });
    expect(f).toEqual({ type: 'stream_request', requestId: 'r', trackId: '../../etc/passwd' });
  });

  it('turns system frames without text into empty text, and caps long text', () => {
    expect(parse({ type: 'system' })).toEqual({ type: 'system', text: '' });
    const f = parse({ type: 'system', message: 'x'.repeat(10_000) });
    expect(f.type === 'system' && f.text.length).toBe(2000);
  });
});

describe('encodeFrame', () => {
  it('encodes client frames as JSON text', () => {
    expect(JSON.parse(PONG_FRAME)).toEqual({ type: 'pong' });
    expect(JSON.parse(encodeFrame({ type: 'chunk_end', requestId: 'r' }))).toEqual({
      type: 'chunk_end',
      requestId: 'r',
    });
    expect(
      JSON.parse(encodeFrame({ type: 'chunk_error', requestId: 'r', message: 'gone' })),
    ).toEqual({
      type: 'chunk_error',
      requestId: 'r',
      message: 'gone',
    });
    expect(JSON.parse(encodeFrame({ type: 'manifest', tracks: [] }))).toEqual({
      type: 'manifest',
      tracks: [],
    });
  });
});
