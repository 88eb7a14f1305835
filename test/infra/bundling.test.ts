import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Metafile } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/bundling';
import { ServerlessJobs } from '../../infra/serverless-jobs';
import { defineJob } from '../../shared/job/define-job';
import { jobSource } from './jobs-app';

// esbuild bundles the AWS SDK into each output: a build takes a few seconds on a busy machine.
const BUILD_TIMEOUT_MS = 60_000;
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

const projects: string[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Job files under the repository (so that `#shared` resolves), each noting when it is loaded. */
async function jobProject(names: readonly string[]): Promise<string> {
  const dir = join(REPO_ROOT, '.cache', `test-bundling-${randomUUID()}`);
  projects.push(dir);
  await mkdir(join(dir, 'jobs'), { recursive: true });
  await Promise.all(names.map((name) => writeJob(dir, name, 'done')));
  return dir;
}

function writeJob(dir: string, name: string, message: string): Promise<void> {
  return writeFile(
    join(dir, 'jobs', `${name}.job.ts`),
    [
      "import { defineJob, JobResult } from '#shared';",
      `((globalThis as any).loadedJobs ??= []).push('${name}');`,
      `export default defineJob({ run: async () => JobResult.success('${message}') });`,
      '',
    ].join('\n'),
  );
}

/** Every file of a function's code folder, by path, with a digest of its content. */
async function folderDigest(folder: string): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    digests[relative(folder, path)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return digests;
}

const job = (dir: string, name: string) => ({ name, file: join(dir, 'jobs', `${name}.job.ts`) });

/** Bundles the jobs as one shard, shard-00, and returns that shard's code folder. */
function bundleShard(dir: string, names: readonly string[]) {
  return bundleFunctions({
    projectRoot: REPO_ROOT,
    outDir: join(dir, 'out'),
    workers: [{ id: 'shard-00', jobs: names.map((name) => job(dir, name)) }],
  });
}

function bundleOneShard(dir: string, names: readonly string[]): string {
  return bundleShard(dir, names).workerDir('shard-00');
}

/**
 * Imports a job's entry in a fresh node, as Lambda would, and says what it loaded; `clockAheadMs`
 * moves the child's clock on, as time passes between synth and a run.
 */
function startWorker(
  entryFile: string,
  jobName: string,
  alsoReport: readonly string[] = [],
  clockAheadMs = 0,
) {
  const script = `
    const now = Date.now;
    Date.now = () => now() + ${clockAheadMs};
    const worker = await import(${JSON.stringify(pathToFileURL(entryFile).href)});
    process.stdout.write(JSON.stringify({ loaded: globalThis.loadedJobs ?? [], handler: typeof worker.handler, ${alsoReport.join(', ')} }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      JOBS_EXECUTIONS_TABLE: 'app_executions',
      JOBS_JOB_STATE_TABLE: 'app_job-state',
      JOBS_ALERT_CONFIG_TABLE: 'app_alert-config',
      JOBS_APP_NAME: 'app',
      JOBS_ACCOUNT_ID: '123456789012',
      JOBS_JOB_NAME: jobName,
    },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('bundleFunctions', () => {
  it(
    'gives each function of a shard bundle its own job file and no other',
    async () => {
      const dir = await jobProject(['alpha', 'beta', 'gamma']);
      const folder = bundleOneShard(dir, ['alpha', 'beta', 'gamma']);

      const started = startWorker(join(folder, 'beta.mjs'), 'beta');

      expect(started.stderr).toBe('');
      expect(JSON.parse(started.stdout)).toEqual({ loaded: ['beta'], handler: 'function' });
      expect((await readdir(folder)).filter((file) => file.endsWith('.mjs')).sort()).toEqual([
        'alpha.mjs',
        'beta.mjs',
        'gamma.mjs',
      ]);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'names sources in the source maps by their path in the project',
    async () => {
      const dir = await jobProject(['alpha']);
      const folder = bundleOneShard(dir, ['alpha']);

      const maps = (await readdir(folder, { recursive: true })).filter((f) => f.endsWith('.map'));
      const sources = new Set<string>();
      for (const map of maps) {
        const { sources: mapSources } = JSON.parse(await readFile(join(folder, map), 'utf8')) as {
          sources: string[];
        };
        for (const source of mapSources) sources.add(source);
      }

      expect(sources).toContain(relative(REPO_ROOT, job(dir, 'alpha').file));
      expect(sources).toContain('functions/worker.ts');
      expect([...sources].filter((source) => source.startsWith('..'))).toEqual([]);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'builds entries that refuse to start when JOBS_JOB_NAME names another job',
    async () => {
      const dir = await jobProject(['alpha']);
      const folder = bundleOneShard(dir, ['alpha']);

      const started = startWorker(join(folder, 'alpha.mjs'), 'omega');

      expect(started.status).not.toBe(0);
      expect(started.stderr).toContain(
        'This function\'s handler, alpha.handler, runs job "alpha", but JOBS_JOB_NAME is "omega"',
      );
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'maps the stack of an error a job file throws as it loads to the job file',
    async () => {
      const dir = await jobProject(['alpha']);
      await writeFile(
        join(dir, 'jobs', 'alpha.job.ts'),
        [
          "import { defineJob, JobResult } from '#shared';",
          'function loadSettings(): never {',
          "  throw new Error('settings are missing');",
          '}',
          'loadSettings();',
          "export default defineJob({ run: async () => JobResult.success('done') });",
          '',
        ].join('\n'),
      );
      const folder = bundleOneShard(dir, ['alpha']);

      const started = startWorker(join(folder, 'alpha.mjs'), 'alpha');

      expect(started.status).not.toBe(0);
      expect(started.stderr).toContain('settings are missing');
      expect(started.stderr).toContain(`${relative(REPO_ROOT, job(dir, 'alpha').file)}:3:9`);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "changes only the edited job's shard code, and the API's",
    async () => {
      const dir = await jobProject(['alpha', 'beta']);
      // The same folder each time, as `cdk synth` builds into .cache/lambda each time.
      const build = () => {
        const bundles = bundleFunctions({
          projectRoot: REPO_ROOT,
          outDir: join(dir, 'out'),
          workers: [
            { id: 'shard-00', jobs: [job(dir, 'alpha')] },
            { id: 'shard-01', jobs: [job(dir, 'beta')] },
          ],
        });
        return Promise.all([
          folderDigest(bundles.workerDir('shard-00')),
          folderDigest(bundles.workerDir('shard-01')),
          folderDigest(bundles.apiDir),
        ]);
      };
      const [alphaBefore, betaBefore, apiBefore] = await build();

      await writeJob(dir, 'beta', 'done differently');
      const [alphaAfter, betaAfter, apiAfter] = await build();

      expect(alphaAfter).toEqual(alphaBefore);
      expect(betaAfter).not.toEqual(betaBefore);
      expect(apiAfter).not.toEqual(apiBefore);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "builds the run sweeper's code with every job, whose schedules it checks, and it starts",
    async () => {
      const dir = await jobProject(['alpha', 'beta']);
      const bundles = bundleShard(dir, ['alpha', 'beta']);

      const started = startWorker(join(bundles.sweepDir, 'index.mjs'), 'alpha');

      expect(started.stderr).toBe('');
      expect(JSON.parse(started.stdout)).toEqual({
        loaded: ['alpha', 'beta'],
        handler: 'function',
      });
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "starts a one-off job's worker, the API and the sweeper after the job's time has passed",
    async () => {
      const dir = await jobProject(['alpha']);
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19);
      await writeFile(
        join(dir, 'jobs', 'once.job.ts'),
        [
          "import { defineJob, JobResult } from '#shared';",
          "((globalThis as any).loadedJobs ??= []).push('once');",
          `export default defineJob({ schedule: { at: '${inAnHour}' }, run: async () => JobResult.success('done') });`,
          '',
        ].join('\n'),
      );
      const bundles = bundleShard(dir, ['alpha', 'once']);
      // Scheduler sends the tick at the job's time: its worker starts then, or later on a retry.
      const twoHours = 7_200_000;

      const started = [
        startWorker(join(bundles.workerDir('shard-00'), 'once.mjs'), 'once', [], twoHours),
        startWorker(join(bundles.apiDir, 'index.mjs'), 'once', [], twoHours),
        startWorker(join(bundles.sweepDir, 'index.mjs'), 'once', [], twoHours),
      ];

      expect(started.map(({ stderr }) => stderr)).toEqual(['', '', '']);
      expect(started.map(({ stdout }) => JSON.parse(stdout).handler)).toEqual([
        'function',
        'function',
        'function',
      ]);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "loads the runtime's cron library in a worker only when a job works out fire times, and a job's own import of it as it starts",
    async () => {
      const dir = await jobProject(['alpha']);
      const after = "new Date('2026-06-01T10:00:00Z')";
      const loaded = '((globalThis as any).loadedJobs ??= []).push';
      await writeFile(
        join(dir, 'jobs', 'timetable.job.ts'),
        [
          "import { Cron } from 'croner';",
          "import { defineJob, JobResult } from '#shared';",
          `${loaded}(new Cron('0 9 * * *', { timezone: 'UTC' }).nextRun(${after})?.toISOString());`,
          "export default defineJob({ run: async () => JobResult.success('done') });",
          '',
        ].join('\n'),
      );
      await writeFile(
        join(dir, 'jobs', 'rota.job.ts'),
        [
          "import { defineJob, JobResult, ScheduleExpression } from '#shared';",
          "const bell = ScheduleExpression.parse({ cron: '0 9 * * *', timezone: 'UTC' });",
          `${loaded}(bell.nextFireTimes({ count: 1, after: ${after} })[0]?.toISOString());`,
          "const rota = defineJob({ schedule: { cron: '30 6 * * *' }, run: async () => JobResult.success('done') });",
          `${loaded}(rota.schedule?.nextFireTimes({ count: 1, after: ${after} })[0]?.toISOString());`,
          'export default rota;',
          '',
        ].join('\n'),
      );
      const bundles = bundleShard(dir, ['alpha', 'timetable', 'rota']);
      const [workers, control] = bundles.metafiles;
      const loadsCronerAtStart = (metafile: Metafile | undefined, entry: string) => {
        const outputs = metafile?.outputs ?? {};
        const file = Object.keys(outputs).find((key) => key.endsWith(`/${entry}.mjs`)) ?? '';
        return [...reachable(outputs, file, ['import-statement'])].some((output) =>
          Object.keys(outputs[output]?.inputs ?? {}).some((input) =>
            input.includes('node_modules/croner/'),
          ),
        );
      };
      const start = (job: string) =>
        startWorker(join(bundles.workerDir('shard-00'), `${job}.mjs`), job);

      expect(loadsCronerAtStart(workers, 'alpha')).toBe(false);
      expect(loadsCronerAtStart(workers, 'rota')).toBe(false);
      expect(loadsCronerAtStart(workers, 'timetable')).toBe(true);
      expect(loadsCronerAtStart(control, 'api')).toBe(true);
      expect(loadsCronerAtStart(control, 'sweep')).toBe(true);
      const [rota, timetable] = [start('rota'), start('timetable')];
      expect([rota.stderr, timetable.stderr]).toEqual(['', '']);
      expect(JSON.parse(rota.stdout).loaded).toEqual([
        '2026-06-02T09:00:00.000Z',
        '2026-06-02T06:30:00.000Z',
      ]);
      expect(JSON.parse(timetable.stdout).loaded).toEqual(['2026-06-02T09:00:00.000Z']);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'makes a require only in the chunks that call it, and the worker still starts',
    async () => {
      const dir = await jobProject(['alpha']);
      const folder = bundleOneShard(dir, ['alpha']);
      const chunks = await Promise.all(
        (await readdir(folder, { recursive: true }))
          .filter((file) => file.endsWith('.mjs'))
          .map(async (file) => {
            const [first = '', ...rest] = (await readFile(join(folder, file), 'utf8')).split('\n');
            return {
              file,
              makesRequire: first.includes('__createRequire'),
              callsRequire: /\brequire\b/.test(rest.join('\n')),
            };
          }),
      );

      expect(
        chunks.filter((chunk) => chunk.makesRequire !== chunk.callsRequire).map(({ file }) => file),
      ).toEqual([]);
      // The bundled CommonJS packages (mnemonist, under the DynamoDB client) call it.
      expect(chunks.filter((chunk) => chunk.makesRequire).length).toBeGreaterThan(0);
      expect(chunks.filter((chunk) => !chunk.makesRequire).length).toBeGreaterThan(0);
      const started = startWorker(join(folder, 'alpha.mjs'), 'alpha');
      expect(started.stderr).toBe('');
      expect(JSON.parse(started.stdout)).toEqual({ loaded: ['alpha'], handler: 'function' });
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "keeps the SQS and Scheduler clients out of a worker's start: they load on first send",
    async () => {
      const dir = await jobProject(['alpha']);
      const bundles = bundleShard(dir, ['alpha']);
      const [workers] = bundles.metafiles;
      const outputs = workers?.outputs ?? {};
      const entry = Object.keys(outputs).find((file) => file.endsWith('/alpha.mjs')) ?? '';

      const loadedAtStart = reachable(outputs, entry, ['import-statement']);
      const loadedSometime = reachable(outputs, entry, ['import-statement', 'dynamic-import']);

      const clients = /node_modules\/@aws-sdk\/client-(sqs|scheduler)\//;
      const packagesIn = (files: Set<string>) =>
        new Set(
          [...files].flatMap((file) =>
            Object.keys(outputs[file]?.inputs ?? {}).flatMap((input) => {
              const match = clients.exec(input);
              return match ? [match[1]] : [];
            }),
          ),
        );
      expect(packagesIn(loadedAtStart)).toEqual(new Set());
      expect(packagesIn(loadedSometime)).toEqual(new Set(['sqs', 'scheduler']));
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "starts a worker without loading Node's web streams, which middy imports for a mode we do not use",
    async () => {
      const dir = await jobProject(['alpha']);
      const folder = bundleOneShard(dir, ['alpha']);

      const started = startWorker(join(folder, 'alpha.mjs'), 'alpha', [
        "webStreams: process.moduleLoadList.some((name) => name.includes('webstreams/readablestream'))",
      ]);

      expect(started.stderr).toBe('');
      expect(JSON.parse(started.stdout)).toMatchObject({ handler: 'function', webStreams: false });
    },
    BUILD_TIMEOUT_MS,
  );

  it('gives middy a ReadableStream that stands in for every use middy makes of it', async () => {
    // The bundles resolve middy's `node:stream/web` to a class that only answers `instanceof`
    // (infra/esbuild-runner.mjs): enough while middy does nothing else with it.
    const middy = await readFile(
      join(REPO_ROOT, 'node_modules', '@middy', 'core', 'index.js'),
      'utf8',
    );
    const uses = middy
      .split('\n')
      .filter((line) => /\bReadableStream\b/.test(line))
      .map((line) => line.trim());

    expect(uses.length).toBeGreaterThan(1);
    for (const use of uses) {
      expect(use).toMatch(
        /^import \{ ReadableStream \} from "node:stream\/web";$|instanceof ReadableStream\b|"handler response not a ReadableStream"/,
      );
    }
  });

  it('refuses a job name that is not a valid file name, or one bundled twice', () => {
    const outDir = join(REPO_ROOT, '.cache', `test-bundling-${randomUUID()}`);
    projects.push(outDir);
    const file = join(REPO_ROOT, 'functions', 'jobs', 'send-email.job.ts');

    expect(() =>
      bundleFunctions({
        projectRoot: REPO_ROOT,
        outDir,
        workers: [{ id: 'shard-00', jobs: [{ name: '../send-email', file }] }],
      }),
    ).toThrow('as its entry file is named after it: "../send-email" is not lower-case kebab');
    expect(() =>
      bundleFunctions({
        projectRoot: REPO_ROOT,
        outDir,
        workers: [
          { id: 'shard-00', jobs: [{ name: 'send-email', file }] },
          { id: 'shard-01', jobs: [{ name: 'send-email', file }] },
        ],
      }),
    ).toThrow('"send-email" is in the bundles twice');
  });

  it('refuses bundle ids that would collide or escape their folder', () => {
    expect(() =>
      bundleFunctions({
        projectRoot: REPO_ROOT,
        outDir: join(REPO_ROOT, '.cache', `test-bundling-${randomUUID()}`),
        workers: [{ id: '../elsewhere', jobs: [] }],
      }),
    ).toThrow('Worker bundle ids must be distinct lower-case kebab names, got "../elsewhere"');
  });
});

describe('ServerlessJobs bundling by itself', () => {
  it(
    "deploys one code asset per stack, shared by the stack's functions",
    async () => {
      const dir = await jobProject(['alpha', 'beta']);
      const sources = ['alpha', 'beta'].map((name) => ({
        ...jobSource(defineJob({ name, run: async () => {} })),
        file: job(dir, name).file,
      }));
      const app = new App({ outdir: join(dir, 'cdk.out'), builtinCloudFormationValidation: false });

      const jobs = new ServerlessJobs(app, 'Jobs', {
        jobs: sources,
        appName: 'bundled',
        previousStackAssignment: new Map(),
        projectRoot: REPO_ROOT,
        bundleDir: join(dir, 'bundles'),
      });

      const functions = Template.fromStack(jobs.shardStacks[0] ?? jobs.dataStack).findResources(
        'AWS::Lambda::Function',
      );
      const codeKeys = Object.values(functions).map(
        (resource) =>
          (resource as { Properties: { Code: { S3Key: unknown } } }).Properties.Code.S3Key,
      );
      expect(codeKeys).toHaveLength(2);
      expect(codeKeys[0]).toEqual(codeKeys[1]);
    },
    BUILD_TIMEOUT_MS,
  );
});

/** The output files `entry` loads through imports of the given kinds, itself included. */
function reachable(
  outputs: Metafile['outputs'],
  entry: string,
  kinds: readonly string[],
): Set<string> {
  const found = new Set<string>();
  const visit = (file: string) => {
    if (found.has(file) || !outputs[file]) return;
    found.add(file);
    for (const { path, kind } of outputs[file].imports) if (kinds.includes(kind)) visit(path);
  };
  visit(entry);
  return found;
}
