import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';

/** What a job's function needs bundled: its name and its job file. */
export interface BundledJob {
  readonly name: string;
  /** The job file's absolute path. */
  readonly file: string;
}

export interface BundleOptions {
  readonly projectRoot: string;
  readonly jobs: readonly BundledJob[];
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
  /** The folder holding one job's function code (`index.mjs` and its source map). */
  workerDir(jobName: string): string;
  /** The folder holding the API function's code. */
  readonly apiDir: string;
  readonly metafile: Metafile;
}

const AWS_SDK_PACKAGES = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

// ESM output, with a `require` for the CommonJS packages that call it at run time.
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Bundles every job's worker and the API in one esbuild pass: shared modules are parsed once,
 * and each function still gets a standalone, minified `index.mjs` with a source map, so that a
 * change to one job changes only that job's code asset.
 */
export function bundleFunctions(options: BundleOptions): Bundles {
  const root = resolve(options.projectRoot);
  const outDir = resolve(options.outDir ?? join(root, '.cache', 'lambda'));
  const entriesDir = join(outDir, 'entries');
  const codeDir = join(outDir, 'code');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(entriesDir, { recursive: true });

  const importPath = (from: string, file: string) => {
    const path = relative(from, file).replaceAll('\\', '/');
    return path.startsWith('.') ? path : `./${path}`;
  };
  const entryPoints: Record<string, string> = {};
  for (const job of options.jobs) {
    const entry = join(entriesDir, `${job.name}.ts`);
    writeFileSync(
      entry,
      [
        `import job from '${importPath(entriesDir, job.file)}';`,
        `import { createLambdaWorker } from '${importPath(entriesDir, join(root, 'functions', 'worker.ts'))}';`,
        'export const handler = createLambdaWorker([job]);',
        '',
      ].join('\n'),
    );
    entryPoints[`workers/${job.name}/index`] = entry;
  }
  const apiEntry = join(entriesDir, '_api.ts');
  writeFileSync(
    apiEntry,
    [
      ...options.jobs.map(
        (job, index) => `import job${index} from '${importPath(entriesDir, job.file)}';`,
      ),
      `import { createLambdaApi } from '${importPath(entriesDir, join(root, 'functions', 'api.ts'))}';`,
      `export const handler = createLambdaApi([${options.jobs.map((_, index) => `job${index}`).join(', ')}]);`,
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
    workerDir: (jobName) => join(codeDir, 'workers', jobName),
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
