// A job's worker as Lambda gets it: daily-report (which imports send-email), run from its shard's
// bundle of the example jobs, bundled with the AWS SDK ('bundle') and without it ('runtime', the SDK resolved from node_modules as the Lambda
// runtime's copy would be). Reports the code its entry loads (target: < 800 KB) and the time to
// import the entry in a fresh node process, median of SAMPLES (target: < 100 ms), against a bundle of just
// `new DynamoDBClient({})`. Then splits the bundled worker's load time: what each of its pieces
// costs on its own, and where a CPU profile of the load spends its time, by source package.
//
// Figures behind two choices in the runtime's cold start (measured when they were made):
// - shared/support/source-mapped-stacks.ts reads a bundle's source map when a stack is first
//   formatted, not at start: --enable-source-maps parsed every loaded file's map at start, about
//   17 ms of each worker's cold start (the "--enable-source-maps" lines below measure it again).
// - shared/schedule/time-zone.ts checks a zone name against Intl.supportedValuesOf('timeZone'),
//   read once, which takes microseconds; building the first Intl.DateTimeFormat to check it loads
//   time zone data, about 20 ms at the cold start of a function that defines a job in a time zone.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import {
  bundleFunctions,
  dropUnusedRequireBanners,
  functionBuildOptions,
  type RunnerBuild,
} from '../infra/bundling';
import { median, report } from './report';

const SAMPLES = Number(process.env.SAMPLES ?? 15);
// The node that imports the bundles: this one, or another, such as the Node 24 that Lambda's
// nodejs24.x runs: BENCH_NODE=$(npx -y node@24 -p process.execPath) npm run bench:lambda
const NODE = process.env.BENCH_NODE ?? process.execPath;
const REPO_ROOT = resolve(import.meta.dirname, '..');
const WORK_DIR = join(REPO_ROOT, '.cache', `bench-lambda-${randomUUID()}`);
const JOB = {
  name: 'daily-report',
  file: join(REPO_ROOT, 'functions', 'jobs', 'daily-report.job.ts'),
};
// The example jobs as one shard's bundle, which every function of the shard deploys.
const SHARD = {
  id: 'shard',
  jobs: ['daily-report', 'month-end-report', 'send-email', 'weekly-cleanup'].map((name) => ({
    name,
    file: join(REPO_ROOT, 'functions', 'jobs', `${name}.job.ts`),
  })),
};

/**
 * The same two jobs with their input schemas written with `zod/mini` rather than `zod`: what a
 * job's choice of zod API costs its function's cold start. The runtime itself uses `zod/mini`.
 */
const MINI_JOBS = {
  'daily-report': (dir: string) => `import * as z from 'zod/mini';
import { defineJob, JobResult } from '#shared';
import { previousDay } from ${JSON.stringify(join(REPO_ROOT, 'functions', 'lib', 'calendar.ts'))};
import { createSampleSalesSource } from ${JSON.stringify(join(REPO_ROOT, 'functions', 'lib', 'sales.ts'))};
import sendEmail from ${JSON.stringify(join(dir, 'send-email.job.ts'))};

const TIMEZONE = 'Europe/London';
const SALES_TEAM = ['sales@example.com'];

export default defineJob({
  displayName: 'Daily sales report',
  schedule: { cron: '0 7 * * *', timezone: TIMEZONE },
  retries: 2,
  enqueues: [sendEmail],
  timeout: '2 minutes',
  input: z._default(
    z.object({
      day: z.optional(z.iso.date()),
      recipients: z._default(z.array(z.email()).check(z.minLength(1)), SALES_TEAM),
    }),
    { recipients: SALES_TEAM },
  ),
  deps: () => ({ sales: createSampleSalesSource() }),
  run: async (ctx) => {
    const day = ctx.input.day ?? previousDay(ctx.scheduledTime ?? new Date(), TIMEZONE);
    const summary = await ctx.deps.sales.summarize(day, { signal: ctx.signal });
    for (const to of ctx.input.recipients) {
      await ctx.enqueue(sendEmail, { to, subject: \`Sales for \${day}\`, body: String(summary.orders) });
    }
    return JobResult.success(\`Reported \${summary.orders} orders for \${day}\`);
  },
});
`,
  'send-email': () => `import * as z from 'zod/mini';
import { defineJob, JobResult } from '#shared';
import { createStdoutMailer } from ${JSON.stringify(join(REPO_ROOT, 'functions', 'lib', 'mailer.ts'))};

export default defineJob({
  name: 'send-email',
  queue: 'critical',
  retries: 5,
  timeout: 30,
  input: z.object({
    to: z.email(),
    subject: z.string().check(z.minLength(1), z.maxLength(200)),
    body: z.string(),
  }),
  deps: () => ({ mailer: createStdoutMailer() }),
  run: async (ctx) => {
    const { messageId } = await ctx.deps.mailer.send(ctx.input, { signal: ctx.signal });
    return JobResult.success(\`Sent to \${ctx.input.to}\`).withMetadata('messageId', messageId);
  },
});
`,
} as const;

/** The environment a deployed worker has (see infra/constructs/job-worker.ts), and no more. */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-2',
  JOBS_EXECUTIONS_TABLE: 'jobs-executions',
  JOBS_JOB_STATE_TABLE: 'jobs-job-state',
  JOBS_ALERT_CONFIG_TABLE: 'jobs-alert-config',
  JOBS_APP_NAME: 'jobs',
  JOBS_ACCOUNT_ID: '123456789012',
  JOBS_SCHEDULE_GROUP: 'jobs-runs',
  JOBS_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/jobs-scheduler',
  JOBS_RETENTION_DAYS: '90',
  POWERTOOLS_SERVICE_NAME: JOB.name,
  JOBS_JOB_NAME: JOB.name,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

// Runs in the child: times the import alone, not node's own start.
const TIMED_IMPORT = `
const started = process.hrtime.bigint();
const module = await import(process.env.BENCH_MODULE);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (Object.keys(module).length === 0) throw new Error('the module exports nothing');
process.stdout.write(String(ms));
`;

// Runs in the child: a CPU profile of the import and nothing else, sampled every 50 µs.
const PROFILED_IMPORT = `
import { Session } from 'node:inspector/promises';
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
await session.post('Profiler.start');
await import(process.env.BENCH_MODULE);
const { profile } = await session.post('Profiler.stop');
process.stdout.write(JSON.stringify(profile));
`;

function runChild(script: string, file: string, nodeOptions: readonly string[] = []): string {
  const result = spawnSync(NODE, [...nodeOptions, '--input-type=module', '--eval', script], {
    env: { ...LAMBDA_ENV, BENCH_MODULE: pathToFileURL(file).href },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`node failed to import ${file}:\n${result.stderr || result.error?.message}`);
  }
  return result.stdout;
}

/**
 * Import times of each file, one fresh process per sample, round by round; the files take turns,
 * so that a busy moment of the machine does not land on one of them only, in the opposite order
 * every other round, so that none always follows the same one. One unrecorded round first.
 */
function loadSamples(
  files: readonly string[],
  nodeOptions: readonly string[] = [],
  rounds = SAMPLES,
): Map<string, number[]> {
  const samples = new Map(files.map((file) => [file, [] as number[]]));
  for (let round = 0; round <= rounds; round++) {
    for (const file of round % 2 === 0 ? files : [...files].reverse()) {
      const ms = Number(runChild(TIMED_IMPORT, file, nodeOptions));
      if (round > 0) samples.get(file)?.push(ms);
    }
  }
  return samples;
}

/** Median import time of each file (see loadSamples). */
function loadTimes(
  files: readonly string[],
  nodeOptions: readonly string[] = [],
): Map<string, number> {
  const samples = loadSamples(files, nodeOptions);
  return new Map([...samples].map(([file, values]) => [file, median(values)]));
}

/**
 * The median of one file's time over another's, taken round by round: the two run back to back
 * in each round, so a busy spell of this shared machine slows both, and leaves their ratio.
 */
function pairedRatio(samples: Map<string, number[]>, file: string, over: string): number {
  const times = samples.get(file) ?? [];
  const others = samples.get(over) ?? [];
  return median(times.map((ms, round) => ms / (others[round] ?? Number.NaN)));
}

function nodeVersion(): string {
  return spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

const kb = async (file: string) => (await stat(file)).size / 1024;

/**
 * Bundles small entries with the options and plugins bundleFunctions gives the workers' build
 * (the same esbuild runner), so that each piece is measured as it is built into a worker.
 */
function bundlePieces(
  entries: Readonly<Record<string, string>>,
  outdir: string,
  minify: boolean,
  splitting = false,
): void {
  const buildOptions: RunnerBuild = {
    ...functionBuildOptions(REPO_ROOT, 'bundle'),
    splitting,
    entryPoints: entries,
    outdir,
    minify,
    jobWorkers: true,
  };
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'infra', 'esbuild-runner.mjs')], {
    input: JSON.stringify([buildOptions]),
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bundling the pieces failed:\n${result.stderr}`);
  for (const metafile of JSON.parse(result.stdout) as Metafile[]) {
    dropUnusedRequireBanners(metafile, REPO_ROOT);
  }
}

/** What each piece of the worker is, as an entry that keeps it alive through tree shaking. */
const PIECES: Readonly<Record<string, { label: string; source: string }>> = {
  'dynamodb-client': {
    label: 'new DynamoDBClient({}) (the reference)',
    source:
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});",
  },
  'sqs-client': {
    label: 'new SQSClient({})',
    source:
      "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const client = new SQSClient({});",
  },
  'scheduler-client': {
    label: 'new SchedulerClient({})',
    source:
      "import { SchedulerClient } from '@aws-sdk/client-scheduler';\nexport const client = new SchedulerClient({});",
  },
  'three-clients': {
    label: 'the three clients together',
    source: [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { SchedulerClient } from '@aws-sdk/client-scheduler';",
      "import { SQSClient } from '@aws-sdk/client-sqs';",
      'export const clients = [new DynamoDBClient({}), new SQSClient({}), new SchedulerClient({})];',
    ].join('\n'),
  },
  'document-client': {
    label: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
    source: [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      'export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
    ].join('\n'),
  },
  'powertools-logger': {
    label: "new Logger() from '@aws-lambda-powertools/logger'",
    source:
      "import { Logger } from '@aws-lambda-powertools/logger';\nexport const logger = new Logger({ serviceName: 'bench' });",
  },
  zod: {
    label: 'zod, one object schema',
    source:
      "import { z } from 'zod';\nexport const schema = z.object({ day: z.iso.date().optional(), to: z.array(z.email()).min(1) });",
  },
  'zod-mini': {
    label: 'zod/mini, the same schema',
    source:
      "import * as z from 'zod/mini';\nexport const schema = z.object({ day: z.optional(z.iso.date()), to: z.array(z.email()).check(z.minLength(1)) });",
  },
  'powertools-metrics': {
    label: "new Metrics() from '@aws-lambda-powertools/metrics'",
    source:
      "import { Metrics } from '@aws-lambda-powertools/metrics';\nexport const metrics = new Metrics({ namespace: 'Jobs/app' });",
  },
  empty: {
    label: 'an empty module (what any import costs here)',
    source: 'export const nothing = 0;',
  },
  middy: {
    label: "middy() from '@middy/core'",
    source: "import middy from '@middy/core';\nexport const handler = middy(async () => 1);",
  },
  croner: {
    label: "new Cron() from 'croner'",
    source:
      "import { Cron } from 'croner';\nexport const cron = new Cron('0 7 * * *', { timezone: 'Europe/London', paused: true });",
  },
  'job-files': {
    label: 'job files daily-report + send-email, with #shared',
    source: `import job from '${JOB.file}';\nexport { job };`,
  },
  'shared-index': {
    label: "all of '#shared' (shared/index.ts, no tree shaking)",
    source: "import * as shared from '#shared';\nexport { shared };",
  },
};

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
    };
    readonly positionTicks?: readonly { readonly line: number; readonly ticks: number }[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The package or repository folder a bundled source came from (sources are relative to the map). */
function sourceBucket(source: string | undefined, mapDir: string): string {
  if (!source) return 'bundle: unmapped (esbuild helpers, banner)';
  const path = (source.startsWith('file:') ? fileURLToPath(source) : resolve(mapDir, source))
    .split('\\')
    .join('/');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [scope = '', name = ''] = path.slice(inModules + 'node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const parts = relative(REPO_ROOT, path).split('/');
  return parts[0] === 'shared' || parts[0] === 'functions'
    ? `${parts[0]}/${parts[1] ?? ''}`
    : (parts[0] ?? path);
}

/**
 * Self time of a profiled import, by where the running code came from: bundle code is mapped to
 * its source through the source map (an unminified build, so that lines of top-level code can be
 * told apart); the rest is node's loader (reading, compiling, linking) or V8's own work.
 */
function attribute(profile: CpuProfile, bundleDir: string): Map<string, number> {
  const bundleUrl = pathToFileURL(bundleDir).href;
  const maps = new Map<string, SourceMap>();
  const mapOf = (url: string) => {
    let map = maps.get(url);
    if (!map) {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
      maps.set(url, map);
    }
    return map;
  };
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const totals = new Map<string, number>();
  const add = (bucket: string, ms: number) => totals.set(bucket, (totals.get(bucket) ?? 0) + ms);
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    if (!url.startsWith(bundleUrl)) {
      add(
        url === ''
          ? `V8: ${functionName || '(anonymous)'}`
          : url.startsWith('node:')
            ? `node: ${url.replace(/^node:internal\//, '')}`
            : `other: ${url}`,
        ms,
      );
      continue;
    }
    const mapDir = dirname(fileURLToPath(url));
    const sourceOf = (line: number, column: number) => {
      const entry = mapOf(url).findEntry(line, column);
      return 'originalSource' in entry ? entry.originalSource : undefined;
    };
    // Ticks by line when V8 has them (top-level code spans a whole file), else the function.
    const ticks = node.positionTicks ?? [];
    const allTicks = ticks.reduce((sum, tick) => sum + tick.ticks, 0);
    if (allTicks === 0) {
      add(sourceBucket(sourceOf(lineNumber, columnNumber), mapDir), ms);
      continue;
    }
    for (const tick of ticks) {
      add(sourceBucket(sourceOf(tick.line - 1, 0), mapDir), (ms * tick.ticks) / allTicks);
    }
  }
  return totals;
}

/**
 * Bytes of code a worker loads as it starts: its job's entry and the chunks imported from there;
 * the shard's other jobs and the SDK's on-demand parts (SSO, STS) stay on disk.
 */
function loadedBytes(metafile: Metafile, entryFile: string): number {
  const seen = new Set<string>();
  const visit = (key: string) => {
    const output = metafile.outputs[key];
    if (seen.has(key) || !output) return;
    seen.add(key);
    for (const imported of output.imports) {
      if (!imported.external && imported.kind !== 'dynamic-import') visit(imported.path);
    }
  };
  const entry = Object.keys(metafile.outputs).find((key) => key.endsWith(`/${entryFile}`));
  if (!entry) throw new Error(`the build has no ${entryFile}`);
  visit(entry);
  return [...seen].reduce((sum, key) => sum + (metafile.outputs[key]?.bytes ?? 0), 0);
}

/** Bytes of a function's code folder, source maps left out. */
async function codeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.mjs')) {
      total += (await stat(join(entry.parentPath, entry.name))).size;
    }
  }
  return total;
}

async function main(): Promise<void> {
  await mkdir(WORK_DIR, { recursive: true });
  try {
    // 1. The worker both ways, as bundleFunctions builds it for `cdk synth`.
    const workers = new Map<'bundle' | 'runtime', string>();
    const loadedKb = new Map<'bundle' | 'runtime', number>();
    const assetKb = new Map<'bundle' | 'runtime', number>();
    for (const awsSdk of ['bundle', 'runtime'] as const) {
      const bundles = bundleFunctions({
        projectRoot: REPO_ROOT,
        workers: [SHARD],
        awsSdk,
        outDir: join(WORK_DIR, awsSdk),
      });
      const dir = bundles.workerDir(SHARD.id);
      const [workersBuild] = bundles.metafiles;
      if (!workersBuild) throw new Error('no metafile for the workers');
      loadedKb.set(awsSdk, loadedBytes(workersBuild, `${JOB.name}.mjs`) / 1024);
      assetKb.set(awsSdk, (await codeBytes(dir)) / 1024);
      // Where Lambda's runtime would provide the SDK; the bundle itself needs nothing from here.
      await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      workers.set(awsSdk, join(dir, `${JOB.name}.mjs`));
    }
    const bundled = workers.get('bundle') ?? '';
    const runtime = workers.get('runtime') ?? '';

    // The same worker, its jobs' schemas written with zod/mini.
    const miniJobsDir = join(WORK_DIR, 'mini-jobs');
    await mkdir(miniJobsDir, { recursive: true });
    for (const [name, source] of Object.entries(MINI_JOBS)) {
      await writeFile(join(miniJobsDir, `${name}.job.ts`), source(miniJobsDir));
    }
    const miniBundles = bundleFunctions({
      projectRoot: REPO_ROOT,
      workers: [
        {
          id: 'mini',
          jobs: Object.keys(MINI_JOBS).map((name) => ({
            name,
            file: join(miniJobsDir, `${name}.job.ts`),
          })),
        },
      ],
      outDir: join(WORK_DIR, 'mini'),
    });
    const [miniBuild] = miniBundles.metafiles;
    if (!miniBuild) throw new Error('no metafile for the zod/mini workers');
    const miniKb = loadedBytes(miniBuild, `${JOB.name}.mjs`) / 1024;
    const mini = join(miniBundles.workerDir('mini'), `${JOB.name}.mjs`);

    // 2. The reference and the pieces, with the same esbuild options and plugins.
    const piecesDir = join(WORK_DIR, 'pieces');
    const entriesDir = join(WORK_DIR, 'entries');
    await mkdir(entriesDir, { recursive: true });
    const entries: Record<string, string> = {};
    for (const [name, piece] of Object.entries(PIECES)) {
      const entry = join(entriesDir, `${name}.ts`);
      await writeFile(entry, `${piece.source}\n`);
      entries[name] = entry;
    }
    bundlePieces(entries, piecesDir, true);
    const pieceFile = (name: string) => join(piecesDir, `${name}.mjs`);
    const reference = pieceFile('dynamodb-client');
    // The same bare client split into chunks as the functions are, so that the SDK's rarely used
    // parts (credential providers, SSO, STS) load on demand: what the bundler would give it.
    const splitReferenceDir = join(WORK_DIR, 'split-reference');
    bundlePieces(
      { 'dynamodb-client': entries['dynamodb-client'] ?? '' },
      splitReferenceDir,
      true,
      true,
    );
    const splitReference = join(splitReferenceDir, 'dynamodb-client.mjs');

    const samples = loadSamples([bundled, runtime, reference, mini, splitReference]);
    const times = new Map([...samples].map(([file, values]) => [file, median(values)]));
    // The target's two measured again on their own, back to back, in twice as many rounds: the
    // closest comparison this shared machine allows (above, each round also reads the thousands
    // of files of the SDK-from-node_modules variant).
    const targetPair = loadSamples([reference, mini], [], SAMPLES * 2);
    const withSourceMaps = loadTimes([bundled, runtime], ['--enable-source-maps']);
    const bundledMs = times.get(bundled) ?? 0;
    const runtimeMs = times.get(runtime) ?? 0;
    const referenceMs = times.get(reference) ?? 0;
    const miniMs = times.get(mini) ?? 0;

    process.stdout.write(
      `\nWorker of ${JOB.name} (with send-email) from a bundle of the ${SHARD.jobs.length} example jobs, median of ${SAMPLES} fresh processes of node ${nodeVersion()}\n`,
    );
    report(
      "code loaded at start, awsSdk: 'bundle'",
      loadedKb.get('bundle') ?? 0,
      'KB',
      'target: < 800 KB',
    );
    report(
      "code loaded at start, awsSdk: 'runtime'",
      loadedKb.get('runtime') ?? 0,
      'KB',
      'target: < 800 KB; plus the SDK from the runtime',
    );
    report(
      "the shard's code asset, source maps aside, 'bundle'",
      assetKb.get('bundle') ?? 0,
      'KB',
      'every job of the shard and the SDK parts loaded on demand',
    );
    report('new DynamoDBClient({}) alone, bundled', await kb(reference), 'KB');
    report("import, awsSdk: 'bundle'", bundledMs, 'ms', 'target: < 100 ms');
    report(
      "import, awsSdk: 'runtime' (SDK from node_modules)",
      runtimeMs,
      'ms',
      'target: < 100 ms',
    );
    report('import, new DynamoDBClient({}) alone (reference)', referenceMs, 'ms');
    report(
      "import, 'bundle', if NODE_OPTIONS had --enable-source-maps",
      withSourceMaps.get(bundled) ?? 0,
      'ms',
      'not set: maps are read when a stack is formatted',
    );
    report(
      "import, 'runtime', if NODE_OPTIONS had --enable-source-maps",
      withSourceMaps.get(runtime) ?? 0,
      'ms',
      'not set: maps are read when a stack is formatted',
    );
    const [faster, slower] =
      bundledMs <= runtimeMs
        ? ['bundle', runtimeMs / bundledMs]
        : ['runtime', bundledMs / runtimeMs];
    report(
      `'${faster}' loads faster, by`,
      slower,
      'x',
      `${Math.abs(runtimeMs - bundledMs).toFixed(1)} ms`,
    );
    report('bundled worker over the reference', bundledMs - referenceMs, 'ms');
    report(
      'bundled worker / the reference',
      pairedRatio(samples, bundled, reference),
      'x',
      "the example jobs' schemas in zod's classic API, which costs by itself the line below",
    );
    report(
      "import, 'bundle', the jobs' schemas in zod/mini",
      miniMs,
      'ms',
      `${miniKb.toFixed(0)} KB loaded; ${(bundledMs - miniMs).toFixed(1)} ms less than with zod`,
    );
    // The runtime's own cost, with the job's schemas in the zod API the runtime itself uses:
    // what Powertools, middy and the runtime add to a job's start (issue 15's target).
    report(
      'the same worker / the reference',
      pairedRatio(targetPair, mini, reference),
      'x',
      `target: ≤ 1.2x (the runtime, middy and Powertools over a bare client); median of ${SAMPLES * 2} rounds' ratios, the two alone (the medians above: ${(miniMs / referenceMs).toFixed(2)}x)`,
    );
    const splitReferenceMs = times.get(splitReference) ?? 0;
    report(
      'import, new DynamoDBClient({}) alone, split as the functions are',
      splitReferenceMs,
      'ms',
      'its credential providers load on demand',
    );
    report(
      'the same worker / that bare client',
      pairedRatio(samples, mini, splitReference),
      'x',
      `${(miniMs - splitReferenceMs).toFixed(1)} ms: zod, Powertools, middy and the runtime`,
    );

    // 3. Each piece on its own: its size and its import time, shared code included each time.
    const pieceTimes = loadTimes(Object.keys(PIECES).map(pieceFile));
    process.stdout.write(
      '\nPieces of the worker, each bundled alone (overlapping: they share code)\n',
    );
    for (const [name, piece] of Object.entries(PIECES)) {
      const file = pieceFile(name);
      report(
        `  ${piece.label}`,
        pieceTimes.get(file) ?? 0,
        'ms',
        `${(await kb(file)).toFixed(0)} KB`,
      );
    }

    // 4. Where the bundled worker's load goes: CPU profiles of an unminified build of it.
    const profileDir = join(WORK_DIR, 'profile');
    bundlePieces(
      { worker: join(WORK_DIR, 'bundle', 'entries', 'workers', `${JOB.name}.ts`) },
      profileDir,
      false,
      true,
    );
    const unminified = join(profileDir, 'worker.mjs');
    const totals = new Map<string, number>();
    for (let run = 0; run < SAMPLES; run++) {
      const profile = JSON.parse(runChild(PROFILED_IMPORT, unminified)) as CpuProfile;
      for (const [bucket, ms] of attribute(profile, profileDir)) {
        totals.set(bucket, (totals.get(bucket) ?? 0) + ms / SAMPLES);
      }
    }
    const profiled = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
    process.stdout.write(
      `\nCPU profile of the worker's import (unminified build, ${(await kb(unminified)).toFixed(0)} KB; mean of ${SAMPLES}; ${profiled.toFixed(1)} ms profiled)\n`,
    );
    for (const [bucket, ms] of [...totals].sort(([, a], [, b]) => b - a).slice(0, 24)) {
      report(`  ${bucket}`, ms, 'ms', `${((ms / profiled) * 100).toFixed(0)}%`);
    }
  } finally {
    await rm(WORK_DIR, { recursive: true, force: true });
  }
}

await main();
