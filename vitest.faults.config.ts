import { defineConfig } from 'vitest/config';

/**
 * `npm run faults`: every fault case of issue 15 at full length (200 kills, every bit flip, the
 * long network waits). `npm test` runs the same files in their fast form.
 */
export default defineConfig({
  test: {
    // The LAN servers' own hostile-client tests are part of the suite (issue 15's interfaces).
    include: [
      'test/faults/**/*.test.ts',
      'test/core/lan/safety.test.ts',
      'test/core/lan/rooms/room-safety.test.ts',
    ],
    environment: 'node',
    env: { TUNECAMP_FAULTS: 'full' },
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
