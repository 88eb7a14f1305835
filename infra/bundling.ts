import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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
  /** The worker bundles to build; the API bundle holds every job of all of them. */
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
  /** The folder holding a worker bundle's code (`index.mjs` and its source map). */
  workerDir(bundleId: string): string;
  /** The folder holding the API function's code. */
  readonly apiDir: string;
  readonly metafile: Metafile;
}

const AWS_SDK_PACKAGES = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

// ESM output, with a `require` for the CommonJS packages that call it at run time.
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const BUNDLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Bundles the workers and the API in one esbuild pass, so that shared modules are parsed once.
 * A worker bundle holds the runtime once and each of its jobs behind a dynamic `import()`,
 * which esbuild keeps in the same file and evaluates only when called: a function loads its
 * own job file and no other. One bundle per shard keeps esbuild's work (and memory, about 27 MB
 * an output with the AWS SDK in it) proportional to the shards, not the jobs, and a change to
 * one job changes only its shard's code asset.
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
  const codeDir = join(outDir, 'code');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(entriesDir, { recursive: true });

  const importPath = (file: string) => {
    const path = relative(entriesDir, resolve(root, file)).replaceAll('\\', '/');
    return JSON.stringify(path.startsWith('.') ? path : `./${path}`);
  };
  const entryPoints: Record<string, string> = {};
  for (const bundle of options.workers) {
    if (bundle.jobs.length === 0) continue;
    const entry = join(entriesDir, `worker-${bundle.id}.ts`);
    writeFileSync(
      entry,
      [
        `import { loadLambdaWorker } from ${importPath(join(root, 'functions', 'worker.ts'))};`,
        'export const handler = await loadLambdaWorker({',
        ...bundle.jobs.map(
          (job) => `  ${JSON.stringify(job.name)}: () => import(${importPath(job.file)}),`,
        ),
        '});',
        '',
      ].join('\n'),
    );
    entryPoints[`workers/${bundle.id}/index`] = entry;
  }
  const allJobs = options.workers.flatMap((bundle) => bundle.jobs);
  const apiEntry = join(entriesDir, 'api.ts');
  writeFileSync(
    apiEntry,
    [
      ...allJobs.map((job, index) => `import job${index} from ${importPath(job.file)};`),
      `import { createLambdaApi } from ${importPath(join(root, 'functions', 'api.ts'))};`,
      `export const handler = createLambdaApi([${allJobs.map((_, index) => `job${index}`).join(', ')}]);`,
      '',
    ].join('\n'),
  );
  entryPoints['api/index'] = apiEntry;

  const buildOptions: BuildOptions = {
    entryPoints,
    outdir: codeDir,
    outExtension: { '.js': '.mjs' },
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
  const metafile = runEsbuild(buildOptions);
  return {
    workerDir: (bundleId) => join(codeDir, 'workers', bundleId),
    apiDir: join(codeDir, 'api'),
    metafile,
  };
}

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'esbuild-runner.mjs');

/** One esbuild build, run in a child process: the only way to use plugins and stay synchronous. */
function runEsbuild(buildOptions: BuildOptions): Metafile {
  const result = spawnSync(process.execPath, [RUNNER], {
    input: JSON.stringify(buildOptions),
    cwd: buildOptions.absWorkingDir,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`Bundling the functions failed:\n${result.stderr || result.error?.message}`);
  }
  return JSON.parse(result.stdout) as Metafile;
}
