import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`, a step of .ci/run): crashes, kills and bad input
 * against the real processes and stores, each file printing its counts. Apart from `npm test`,
 * whose files it would slow with process kills and lease waits.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    fileParallelism: true,
    restoreMocks: true,
    unstubEnvs: true,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
