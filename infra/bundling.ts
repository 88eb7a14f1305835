import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';
import { JobsError } from '../shared/errors';

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
  /** The folder holding a worker bundle's code: `index.mjs`, its chunks and source maps. */
  workerDir(bundleId: string): string;
  /** The folder holding the API function's code. */
  readonly apiDir: string;
  /** The folder holding the alerts function's code. */
  readonly alertsDir: string;
  /** The workers' build's, and the build of the API and the alerts function. */
  readonly metafiles: readonly Metafile[];
}

const AWS_SDK_PACKAGES = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

// ESM output, with a `require` for the CommonJS packages that call it at run time.
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

// Source-mapped stack traces in every function, without `--enable-source-maps`' start-up cost.
const STACKS_MODULE = fileURLToPath(
  new URL('../shared/support/source-mapped-stacks.ts', import.meta.url),
);
const STACKS_IMPORT = (importPath: (file: string) => string) =>
  `import { installSourceMappedStacks } from ${importPath(STACKS_MODULE)};`;

const BUNDLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Bundles the workers, and the API and alerts functions beside them, with code splitting:
 * shared modules (the runtime, the AWS SDK) are parsed and emitted once, as chunks. A worker
 * bundle's entry holds each of its jobs behind a dynamic `import()` of the job's own chunk, so a
 * function compiles and runs its own job file and no other, and the SDK's rarely used parts
 * (SSO, STS) stay unloaded too. Each bundle's folder then gets its entry, as `index.mjs`, and
 * every chunk it may load: esbuild's work follows the modules, not the number of jobs or
 * shards, and editing a job changes the code of its shard, the API, the alerts function and the
 * jobs that import it, and no other.
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
  mkdirSync(entriesDir, { recursive: true });

  const importPath = (file: string) => {
    const path = relative(entriesDir, resolve(root, file)).replaceAll('\\', '/');
    return JSON.stringify(path.startsWith('.') ? path : `./${path}`);
  };
  // Entry name -> the folder its function's code goes to.
  const workerEntries: Record<string, string> = {};
  const codeDirs = new Map<string, string>();
  for (const bundle of options.workers) {
    if (bundle.jobs.length === 0) continue;
    const name = `worker-${bundle.id}`;
    const entry = join(entriesDir, `${name}.ts`);
    writeFileSync(
      entry,
      [
        `import { loadLambdaWorker } from ${importPath(join(root, 'functions', 'worker.ts'))};`,
        STACKS_IMPORT(importPath),
        'installSourceMappedStacks();',
        'export const handler = await loadLambdaWorker({',
        ...bundle.jobs.map(
          (job) => `  ${JSON.stringify(job.name)}: () => import(${importPath(job.file)}),`,
        ),
        '});',
        '',
      ].join('\n'),
    );
    workerEntries[name] = entry;
    codeDirs.set(name, join(codeDir, 'workers', bundle.id));
  }
  const allJobs = options.workers.flatMap((bundle) => bundle.jobs);
  const apiEntry = join(entriesDir, 'api.ts');
  writeFileSync(
    apiEntry,
    [
      ...allJobs.map((job, index) => `import job${index} from ${importPath(job.file)};`),
      `import { createLambdaApi } from ${importPath(join(root, 'functions', 'api.ts'))};`,
      STACKS_IMPORT(importPath),
      'installSourceMappedStacks();',
      `export const handler = createLambdaApi([${allJobs.map((_, index) => `job${index}`).join(', ')}]);`,
      '',
    ].join('\n'),
  );
  codeDirs.set('api', join(codeDir, 'api'));
  // The alerts function names jobs by their display names and applies the alert rules their
  // definitions set, so it imports every job, as the API does.
  const alertsEntry = join(entriesDir, 'alerts.ts');
  writeFileSync(
    alertsEntry,
    [
      ...allJobs.map((job, index) => `import job${index} from ${importPath(job.file)};`),
      `import { createLambdaAlerts } from ${importPath(join(root, 'functions', 'alerts.ts'))};`,
      STACKS_IMPORT(importPath),
      'installSourceMappedStacks();',
      `export const handler = createLambdaAlerts([${allJobs.map((_, index) => `job${index}`).join(', ')}]);`,
      '',
    ].join('\n'),
  );
  codeDirs.set('alerts', join(codeDir, 'alerts'));

  const buildOptions: BuildOptions = {
    outExtension: { '.js': '.mjs' },
    // Chunks one folder down, entries at the top: an entry moved into its function's folder
    // as index.mjs still finds them at ./chunks.
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
    external: options.awsSdk === 'runtime' ? AWS_SDK_PACKAGES : [],
    logLevel: 'error',
  };
  // Two builds: esbuild keeps a module's code wherever any entry of a build uses it, so the
  // API's share of the runtime (reached through the `#shared` barrel) and the alerts' clients
  // (SES, Secrets Manager) and notifiers stay out of the workers. The API and the alerts
  // function import the same job files, so they share a build, and its chunks.
  const workersDir = join(buildDir, 'workers');
  const controlDir = join(buildDir, 'control');
  const [workersMetafile, controlMetafile] = runEsbuild([
    { ...buildOptions, entryPoints: workerEntries, outdir: workersDir },
    { ...buildOptions, entryPoints: { api: apiEntry, alerts: alertsEntry }, outdir: controlDir },
  ]);
  if (!workersMetafile || !controlMetafile) throw new Error('esbuild returned no metafile');
  for (const metafile of [workersMetafile, controlMetafile]) {
    projectRelativeSources(metafile, root);
  }
  for (const [name, dir] of codeDirs) {
    if (name === 'api' || name === 'alerts') {
      packageEntry(controlMetafile, root, controlDir, name, dir);
    } else {
      packageEntry(workersMetafile, root, workersDir, name, dir);
    }
  }
  return {
    workerDir: (bundleId) => join(codeDir, 'workers', bundleId),
    apiDir: join(codeDir, 'api'),
    alertsDir: join(codeDir, 'alerts'),
    metafiles: [workersMetafile, controlMetafile],
  };
}

/**
 * Gives one function its code: the entry as `index.mjs` and every chunk it imports, directly or
 * not, statically or dynamically, each with its source map. Files are hard links into the
 * build, where the file system allows.
 */
function packageEntry(
  metafile: Metafile,
  root: string,
  buildDir: string,
  entryName: string,
  targetDir: string,
): void {
  const outputKey = (file: string) => relative(root, file).replaceAll('\\', '/');
  const entryKey = outputKey(join(buildDir, `${entryName}.mjs`));
  const needed = new Set<string>();
  const visit = (key: string) => {
    if (needed.has(key)) return;
    const output = metafile.outputs[key];
    if (!output) throw new Error(`esbuild wrote no ${key}, which ${entryName} needs`);
    needed.add(key);
    for (const imported of output.imports) if (!imported.external) visit(imported.path);
  };
  visit(entryKey);
  mkdirSync(join(targetDir, 'chunks'), { recursive: true });
  for (const key of needed) {
    const source = join(root, key);
    if (key === entryKey) {
      // Renamed, so its source map comment must follow.
      const code = readFileSync(source, 'utf8').replace(
        /\/\/# sourceMappingURL=\S+\s*$/,
        '//# sourceMappingURL=index.mjs.map\n',
      );
      writeFileSync(join(targetDir, 'index.mjs'), code);
      linkOrCopy(`${source}.map`, join(targetDir, 'index.mjs.map'));
    } else {
      const target = join(targetDir, relative(buildDir, source));
      linkOrCopy(source, target);
      linkOrCopy(`${source}.map`, `${target}.map`);
    }
  }
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

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'esbuild-runner.mjs');

/** esbuild builds, run in a child process: the only way to use plugins and stay synchronous. */
function runEsbuild(builds: readonly BuildOptions[]): Metafile[] {
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
