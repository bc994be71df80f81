import { describe, expect, it } from 'vitest';
import { killLoop } from './download-kill';

describe('a downloader killed with SIGKILL at random moments', () => {
  it('leaves a part and sidecar that agree with the source every time (20 kills)', async () => {
    const r = await killLoop(20);
    expect(r.problems).toEqual([]);
    expect(r.kills).toBe(20);
    expect(r.completed).toBeGreaterThan(0);
  }, 240_000);
});
