import { configDefaults, defineConfig } from 'vitest/config';

const UNIT_TESTS = 'test/unit/**/*.test.ts';
// A job's own tests, beside it (functions/jobs/x.test.ts): discovery and bundling skip them.
const JOB_TESTS = 'functions/**/*.test.ts';

export default defineConfig({
  test: {
    fileParallelism: true,
    restoreMocks: true,
    unstubEnvs: true,
    // The pinned AWS SDK runs on Node 20; its notice about later releases is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [UNIT_TESTS],
          // The unit files share their worker's modules rather than each starting a fresh one:
          // starting and loading took most of `npm run test:unit` (a 2-core machine runs one
          // worker). So a unit test file puts back what it changes globally, such as the clients
          // aws-sdk-client-mock stubs (restore() in afterAll).
          isolate: false,
        },
      },
      {
        extends: true,
        // Each in its own worker, as a user's tests may change globals without undoing it.
        test: { name: 'jobs', include: [JOB_TESTS] },
      },
      {
        extends: true,
        test: {
          name: 'other',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, UNIT_TESTS],
        },
      },
    ],
  },
});
