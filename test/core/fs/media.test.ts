import os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  classifyMedia,
  describeMedia,
  mediaOf,
  READS_IN_FLIGHT,
  readsOverride,
} from '../../../src/main/core/fs/media';

describe('media of a shared folder', () => {
  it('classifies file systems and block devices', () => {
    expect(classifyMedia('nfs4', undefined)).toBe('network');
    expect(classifyMedia('cifs', false)).toBe('network');
    expect(classifyMedia('fuse.sshfs', undefined)).toBe('network');
    expect(classifyMedia('fuse', undefined)).toBe('fuse');
    expect(classifyMedia('fuseblk', true)).toBe('fuse');
    expect(classifyMedia('fuse.mergerfs', undefined)).toBe('fuse');
    expect(classifyMedia('ext4', true)).toBe('rotational');
    expect(classifyMedia('xfs', false)).toBe('solid');
    expect(classifyMedia('btrfs', undefined)).toBe('unknown');
  });

  it('limits reads on spinning disks, network and FUSE only', () => {
    expect(READS_IN_FLIGHT).toEqual({ rotational: 1, network: 1, fuse: 1, solid: 0, unknown: 0 });
  });

  it('takes TUNECAMP_SCAN_READS as an override, and refuses anything but a whole number', () => {
    expect(readsOverride(undefined)).toBeUndefined();
    expect(readsOverride(' ')).toBeUndefined();
    expect(readsOverride('0')).toBe(0);
    expect(readsOverride('4')).toBe(4);
    for (const bad of ['-1', '1.5', 'two', '5000'])
      expect(() => readsOverride(bad)).toThrow(/TUNECAMP_SCAN_READS must be a whole number/);
  });

  it('tells what a real folder is on, and applies the override', async () => {
    const m = await mediaOf(os.tmpdir(), {});
    expect(['rotational', 'network', 'fuse', 'solid', 'unknown']).toContain(m.kind);
    expect(m.readsInFlight).toBe(READS_IN_FLIGHT[m.kind]);
    if (process.platform === 'linux') expect(m.detail).toMatch(/ on /);
    expect((await mediaOf(os.tmpdir(), { TUNECAMP_SCAN_READS: '3' })).readsInFlight).toBe(3);
    await expect(mediaOf(os.tmpdir(), { TUNECAMP_SCAN_READS: 'x' })).rejects.toThrow(
      /TUNECAMP_SCAN_READS/,
    );
  });

  it('describes itself for the log', () => {
    expect(
      describeMedia({ kind: 'rotational', detail: 'ext4 on /dev/sda1', readsInFlight: 1 }),
    ).toBe('rotational (ext4 on /dev/sda1), 1 file read at a time');
    expect(describeMedia({ kind: 'solid', detail: 'ext4 on /dev/nvme0n1', readsInFlight: 0 })).toBe(
      'solid (ext4 on /dev/nvme0n1), reads not limited',
    );
    expect(describeMedia({ kind: 'fuse', detail: 'fuse on x', readsInFlight: 2 })).toBe(
      'fuse (fuse on x), 2 files read at a time',
    );
  });
});
