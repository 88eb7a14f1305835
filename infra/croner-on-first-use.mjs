// An esbuild plugin of the job workers' build (infra/esbuild-runner.mjs), and the names
// bundleFunctions needs to put croner where the plugin's code looks for it.
import { fileURLToPath } from 'node:url';

/**
 * A job's worker runs the ticks Scheduler sends: the runtime works out no fire times there (the
 * API, the run sweeper and the CLI do), and does not even parse the job's schedule
 * (shared/job/define-job.ts). So the runtime's cron library, about 32 KB and 2 ms of each cold
 * start (bench/lambda-bundle.bench.ts), is not loaded as a worker starts: the runtime's own
 * import of it becomes a class that loads croner's CommonJS build, which bundleFunctions puts
 * beside it as CRONER_FILE, when a job's code first works out fire times. A job file's own
 * import of croner is left as it is.
 */
const CRON_EXPRESSION_MODULE = fileURLToPath(
  new URL('../shared/schedule/cron-expression.ts', import.meta.url),
);
export const CRONER_FILE = 'croner.cjs';
export const CRONER_ON_FIRST_USE = 'croner-on-first-use';
export const cronerOnFirstUse = {
  name: CRONER_ON_FIRST_USE,
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^croner$/ }, (args) =>
      args.importer === CRON_EXPRESSION_MODULE
        ? { path: 'croner', namespace: CRONER_ON_FIRST_USE }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: CRONER_ON_FIRST_USE }, () => ({
      contents: `import { createRequire } from 'node:module';
let croner;
export class Cron {
  constructor(...options) {
    croner ??= createRequire(import.meta.url)('./${CRONER_FILE}');
    return new croner.Cron(...options);
  }
}`,
      loader: 'js',
    }));
  },
};
