import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests under test/, and a job's own tests beside it (functions/jobs/x.test.ts), which
    // discovery and bundling skip: they take only *.job.ts files.
    include: ['test/**/*.test.ts', 'functions/**/*.test.ts'],
    fileParallelism: true,
    restoreMocks: true,
    unstubEnvs: true,
    // The pinned AWS SDK runs on Node 20; its notice about later releases is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
