import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';
import { JobsError } from '../shared/errors';
import { jobNameProblem } from '../shared/job/job-name';
import { CRONER_FILE, CRONER_ON_FIRST_USE } from './croner-on-first-use.mjs';

/** What a job's function needs bundled: its name and its job file. */
export interface BundledJob {
  readonly name: string;
  /** The job file's path, absolute or relative to the project root. */
  readonly file: string;
}

/** Jobs whose functions share one code bundle: a shard stack's. */
export interface WorkerBundle {
  /** Names the bundle's folder: lower-case letters, digits and dashes. */
  readonly id: string;
  readonly jobs: readonly BundledJob[];
}

export interface BundleOptions {
  readonly projectRoot: string;
  /** The worker bundles to build; the API and alerts bundles hold every job of all of them. */
  readonly workers: readonly WorkerBundle[];
  /**
   * `bundle`: the AWS SDK is bundled and minified with the code; `runtime`: it is left out and
   * the Lambda runtime's copy is used.
   * @default 'bundle'
   */
  readonly awsSdk?: 'bundle' | 'runtime';
  /** @default `<projectRoot>/.cache/lambda` */
  readonly outDir?: string;
}

export interface Bundles {
  /**
   * The folder holding a worker bundle's code: each job's entry, `<job name>.mjs` (its function's
   * handler is `<job name>.handler`), the chunks they import, and source maps.
   */
  workerDir(bundleId: string): string;
  /** The folder holding the API function's code. */
  readonly apiDir: string;
  /** The folder holding the alerts function's code. */
  readonly alertsDir: string;
  /** The folder holding the code of the function that keeps paused schedules off. */
  readonly keepPausedDir: string;
  /** The folder holding the run sweeper's code. */
  readonly sweepDir: string;
  /** The workers' build's, and the build of the API and the alerts function. */
  readonly metafiles: readonly Metafile[];
}

const AWS_SDK_PACKAGES = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

// ESM output, with a `require` for the CommonJS packages that call it at run time.
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

// Source-mapped stack traces in every function, without `--enable-source-maps`' start-up cost;
// imported before anything else, so that errors thrown while job files load are mapped too.
const STACKS_MODULE = fileURLToPath(
  new URL('../shared/support/install-source-mapped-stacks.ts', import.meta.url),
);
const STACKS_IMPORT = (importPath: (file: string) => string) =>
  `import ${importPath(STACKS_MODULE)};`;

const BUNDLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Bundles the workers, and the API and alerts functions beside them, with code splitting:
 * shared modules (the runtime, the AWS SDK) are parsed and emitted once, as chunks. Each job has
 * an entry of its own, which imports its job file statically, so a function compiles and runs its
 * own job file and no other, in one module graph (a job loaded by a dynamic `import()` after the
 * runtime took about 5% longer to start), and the SDK's rarely used parts (SSO, STS) stay
 * unloaded. Each worker bundle's folder then gets its jobs' entries and every chunk they may
 * load: esbuild's work follows the modules, not the number of jobs or shards, and editing a job
 * changes the code of its shard, the API, the alerts function and the jobs that import it, and
 * no other.
 */
export function bundleFunctions(options: BundleOptions): Bundles {
  const seen = new Set<string>();
  for (const { id } of options.workers) {
    if (!BUNDLE_ID_PATTERN.test(id) || seen.has(id)) {
      throw new JobsError(`Worker bundle ids must be distinct lower-case kebab names, got "${id}"`);
    }
    seen.add(id);
  }
  const root = resolve(options.projectRoot);
  const outDir = resolve(options.outDir ?? join(root, '.cache', 'lambda'));
  const entriesDir = join(outDir, 'entries');
  const buildDir = join(outDir, 'build');
  const codeDir = join(outDir, 'code');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(entriesDir, 'workers'), { recursive: true });
  mkdirSync(join(entriesDir, 'control'), { recursive: true });

  // Entries are written one folder down, in entries/workers or entries/control.
  const importPath = (file: string) => {
    const path = relative(join(entriesDir, 'workers'), resolve(root, file)).replaceAll('\\', '/');
    return JSON.stringify(path.startsWith('.') ? path : `./${path}`);
  };
  // A job's entry is named after the job (job names are unique in an app) and sits at the top of
  // the build, beside the chunks folder, as it does in its function's folder.
  const workerEntries: Record<string, string> = {};
  const jobNames = new Set<string>();
  for (const bundle of options.workers) {
    for (const job of bundle.jobs) {
      const problem = jobNameProblem(job.name);
      if (problem !== undefined || jobNames.has(job.name)) {
        throw new JobsError(
          `Each bundled job needs a distinct, valid name, as its entry file is named after it: ${problem ?? `"${job.name}" is in the bundles twice`}`,
        );
      }
      const entry = join(entriesDir, 'workers', `${job.name}.ts`);
      writeFileSync(
        entry,
        [
          STACKS_IMPORT(importPath),
          `import { jobWorkerHandler } from ${importPath(join(root, 'functions', 'worker.ts'))};`,
          `import job from ${importPath(job.file)};`,
          `export const handler = jobWorkerHandler(${JSON.stringify(job.name)}, job);`,
          '',
        ].join('\n'),
      );
      workerEntries[job.name] = entry;
      jobNames.add(job.name);
    }
  }
  const allJobs = options.workers.flatMap((bundle) => bundle.jobs);
  const apiEntry = join(entriesDir, 'control', 'api.ts');
  writeFileSync(
    apiEntry,
    [
      STACKS_IMPORT(importPath),
      ...allJobs.map((job, index) => `import job${index} from ${importPath(job.file)};`),
      `import { apiHandler } from ${importPath(join(root, 'functions', 'api.ts'))};`,
      `export const handler = apiHandler([${allJobs.map((_, index) => `job${index}`).join(', ')}]);`,
      '',
    ].join('\n'),
  );
  const controlDirs = new Map([['api', join(codeDir, 'api')]]);
  // The alerts function names jobs by their display names and applies the alert rules their
  // definitions set, so it imports every job, as the API does.
  const alertsEntry = join(entriesDir, 'control', 'alerts.ts');
  writeFileSync(
    alertsEntry,
    [
      STACKS_IMPORT(importPath),
      ...allJobs.map((job, index) => `import job${index} from ${importPath(job.file)};`),
      `import { alertsHandler } from ${importPath(join(root, 'functions', 'alerts.ts'))};`,
      `export const handler = alertsHandler([${allJobs.map((_, index) => `job${index}`).join(', ')}]);`,
      '',
    ].join('\n'),
  );
  controlDirs.set('alerts', join(codeDir, 'alerts'));
  // The post-deploy step that switches paused jobs' schedules off again: it needs no job code,
  // only their names and defaults, which the stack passes it.
  const keepPausedEntry = join(entriesDir, 'control', 'keep-paused.ts');
  writeFileSync(
    keepPausedEntry,
    [
      STACKS_IMPORT(importPath),
      `import { keepPausedHandler } from ${importPath(join(root, 'functions', 'keep-paused.ts'))};`,
      'export const handler = keepPausedHandler();',
      '',
    ].join('\n'),
  );
  controlDirs.set('keep-paused', join(codeDir, 'keep-paused'));
  // The run sweeper compares each job's schedule with its runs, so it imports every job, as the
  // API does (and shares its chunks).
  const sweepEntry = join(entriesDir, 'control', 'sweep.ts');
  writeFileSync(
    sweepEntry,
    [
      STACKS_IMPORT(importPath),
      ...allJobs.map((job, index) => `import job${index} from ${importPath(job.file)};`),
      `import { sweepHandler } from ${importPath(join(root, 'functions', 'sweep.ts'))};`,
      `export const handler = sweepHandler([${allJobs.map((_, index) => `job${index}`).join(', ')}]);`,
      '',
    ].join('\n'),
  );
  controlDirs.set('sweep', join(codeDir, 'sweep'));

  const buildOptions = functionBuildOptions(root, options.awsSdk ?? 'bundle');
  // Two builds: esbuild keeps a module's code wherever any entry of a build uses it, so the
  // API's share of the runtime (reached through the `#shared` barrel) and the alerts' clients
  // (SES, Secrets Manager) and notifiers stay out of the workers. The API and the alerts
  // function import the same job files, so they share a build, and its chunks.
  const workersDir = join(buildDir, 'workers');
  const controlDir = join(buildDir, 'control');
  const [workersMetafile, controlMetafile] = runEsbuild([
    { ...buildOptions, entryPoints: workerEntries, outdir: workersDir, jobWorkers: true },
    {
      ...buildOptions,
      entryPoints: {
        api: apiEntry,
        alerts: alertsEntry,
        'keep-paused': keepPausedEntry,
        sweep: sweepEntry,
      },
      outdir: controlDir,
    },
  ]);
  if (!workersMetafile || !controlMetafile) throw new Error('esbuild returned no metafile');
  for (const metafile of [workersMetafile, controlMetafile]) {
    projectRelativeSources(metafile, root);
    dropUnusedRequireBanners(metafile, root);
  }
  for (const [name, dir] of controlDirs) {
    packageEntries(controlMetafile, root, controlDir, [{ entry: name, as: 'index' }], dir);
  }
  const besideOutputs = cronerBesideItsLoader(workersMetafile, root);
  for (const bundle of options.workers) {
    if (bundle.jobs.length === 0) continue;
    const entries = bundle.jobs.map((job) => ({ entry: job.name, as: job.name }));
    const targetDir = join(codeDir, 'workers', bundle.id);
    packageEntries(workersMetafile, root, workersDir, entries, targetDir, besideOutputs);
  }
  return {
    workerDir: (bundleId) => join(codeDir, 'workers', bundleId),
    apiDir: join(codeDir, 'api'),
    alertsDir: join(codeDir, 'alerts'),
    keepPausedDir: join(codeDir, 'keep-paused'),
    sweepDir: join(codeDir, 'sweep'),
    metafiles: [workersMetafile, controlMetafile],
  };
}

/**
 * The esbuild options every function's build shares (the workers' build adds `jobWorkers`); the
 * Lambda bundle benchmark builds its pieces with them too.
 */
export function functionBuildOptions(root: string, awsSdk: 'bundle' | 'runtime'): BuildOptions {
  return {
    outExtension: { '.js': '.mjs' },
    // Chunks one folder down, entries at the top: an entry copied into its function's folder
    // still finds them at ./chunks.
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    banner: { js: REQUIRE_BANNER },
    // The jobs given here are discovery's, which loaded every job file and so checked its
    // schedules: the functions skip those checks as they start (shared/schedule/checked-at-synth.ts).
    define: { JOBS_SCHEDULES_CHECKED_AT_SYNTH: 'true' },
    external: awsSdk === 'runtime' ? AWS_SDK_PACKAGES : [],
    logLevel: 'error',
  };
}

/**
 * Gives functions their code folder: each entry, as `<as>.mjs`, and every chunk the entries
 * import, directly or not, statically or dynamically, each with its source map. Files are hard
 * links into the build, where the file system allows.
 */
function packageEntries(
  metafile: Metafile,
  root: string,
  buildDir: string,
  entries: readonly { readonly entry: string; readonly as: string }[],
  targetDir: string,
  besideOutputs: ReadonlyMap<string, string> = new Map(),
): void {
  const outputKey = (file: string) => relative(root, file).replaceAll('\\', '/');
  const renamed = new Map(
    entries.map(({ entry, as }) => [outputKey(join(buildDir, `${entry}.mjs`)), as]),
  );
  const needed = new Set<string>();
  const visit = (key: string, entry: string) => {
    if (needed.has(key)) return;
    const output = metafile.outputs[key];
    if (!output) throw new Error(`esbuild wrote no ${key}, which ${entry} needs`);
    needed.add(key);
    for (const imported of output.imports) if (!imported.external) visit(imported.path, entry);
  };
  for (const [key, as] of renamed) visit(key, as);
  mkdirSync(join(targetDir, 'chunks'), { recursive: true });
  for (const key of needed) {
    const source = join(root, key);
    const as = renamed.get(key);
    if (as !== undefined && `${as}.mjs` !== relative(buildDir, source)) {
      // Renamed, so its source map comment must follow.
      const code = readFileSync(source, 'utf8').replace(
        /\/\/# sourceMappingURL=\S+\s*$/,
        `//# sourceMappingURL=${as}.mjs.map\n`,
      );
      writeFileSync(join(targetDir, `${as}.mjs`), code);
      linkOrCopy(`${source}.map`, join(targetDir, `${as}.mjs.map`));
    } else {
      const target = join(targetDir, relative(buildDir, source));
      linkOrCopy(source, target);
      linkOrCopy(`${source}.map`, `${target}.map`);
    }
    const companion = besideOutputs.get(key);
    if (companion !== undefined) {
      const besideDir = dirname(join(targetDir, relative(buildDir, source)));
      linkOrCopy(companion, join(besideDir, basename(companion)));
    }
  }
}

/**
 * Puts croner's CommonJS build beside the output that loads it on first use (the workers' build
 * replaces the runtime's import of croner: infra/croner-on-first-use.mjs), and says which output
 * that is, by its metafile key. The croner the project resolves, as the import would have.
 */
function cronerBesideItsLoader(metafile: Metafile, root: string): Map<string, string> {
  const loader = Object.keys(metafile.outputs).find((key) =>
    Object.keys(metafile.outputs[key]?.inputs ?? {}).some((input) =>
      input.startsWith(`${CRONER_ON_FIRST_USE}:`),
    ),
  );
  if (loader === undefined) return new Map();
  const croner = join(dirname(join(root, loader)), CRONER_FILE);
  copyFileSync(createRequire(join(root, 'package.json')).resolve('croner'), croner);
  return new Map([[loader, croner]]);
}

/**
 * Rewrites each source map's sources from paths relative to the map (which mean nothing once the
 * code is in /var/task) to paths relative to the project, so that a stack trace a function
 * records names `functions/jobs/daily-report.job.ts:27:11`.
 */
function projectRelativeSources(metafile: Metafile, root: string): void {
  for (const key of Object.keys(metafile.outputs)) {
    if (!key.endsWith('.map')) continue;
    const file = join(root, key);
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[] };
    map.sources = map.sources.map((source) =>
      relative(root, resolve(dirname(file), source)).replaceAll('\\', '/'),
    );
    writeFileSync(file, JSON.stringify(map));
  }
}

/**
 * esbuild puts the banner on every output file, and a function's start makes a `require` for each
 * file it loads, about 0.15 ms apiece (bench/lambda-bundle.bench.ts); most chunks hold ES modules
 * only, and never name `require`. Their banner gives way to an empty line, so that their source
 * maps, which count the banner's line, still match.
 */
export function dropUnusedRequireBanners(metafile: Metafile, root: string): void {
  for (const [key, output] of Object.entries(metafile.outputs)) {
    if (!key.endsWith('.mjs')) continue;
    const file = join(root, key);
    const code = readFileSync(file, 'utf8');
    if (!code.startsWith(REQUIRE_BANNER)) continue;
    if (/\brequire\b/.test(code.slice(REQUIRE_BANNER.length))) continue;
    writeFileSync(file, code.slice(REQUIRE_BANNER.length));
    output.bytes -= Buffer.byteLength(REQUIRE_BANNER);
  }
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'esbuild-runner.mjs');

/** Build options for the runner; `jobWorkers` marks the job workers' build. */
export type RunnerBuild = BuildOptions & { readonly jobWorkers?: boolean };

/** esbuild builds, run in a child process: the only way to use plugins and stay synchronous. */
function runEsbuild(builds: readonly RunnerBuild[]): Metafile[] {
  const result = spawnSync(process.execPath, [RUNNER], {
    input: JSON.stringify(builds),
    cwd: builds[0]?.absWorkingDir,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`Bundling the functions failed:\n${result.stderr || result.error?.message}`);
  }
  return JSON.parse(result.stdout) as Metafile[];
}
