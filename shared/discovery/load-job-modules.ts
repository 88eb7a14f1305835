import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Message, type Plugin } from 'esbuild';

/** What loading one job file produced: its module's exports, or the error it threw. */
export type LoadedModule =
  | { readonly file: string; readonly exports: Readonly<Record<string, unknown>> }
  | { readonly file: string; readonly error: unknown };

/** Problems esbuild found in the job files before any of them ran. */
export class JobBuildError extends Error {
  override name = 'JobBuildError';

  constructor(readonly messages: readonly Message[]) {
    super(messages.map((message) => message.text).join('; '));
  }
}

// "#shared" and other subpath imports stay imports, so that job files share the host's copy of
// the runtime instead of bundling their own.
const keepSubpathImportsExternal: Plugin = {
  name: 'keep-subpath-imports-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^#/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * Loads job files in one pass: esbuild bundles them into a single module, each file wrapped so
 * that one that throws is reported without stopping the others, and that module is imported
 * once. Importing a thousand TypeScript files one by one costs several times as much.
 */
export async function loadJobModules(
  files: readonly string[],
  projectRoot: string,
): Promise<LoadedModule[]> {
  if (files.length === 0) return [];
  // Written inside the project, so that its package imports and "#shared" resolve as they
  // would from the job files themselves.
  const cacheDir = join(projectRoot, '.cache', 'jobs');
  const base = join(cacheDir, `discovery-${process.pid}-${randomUUID()}`);
  const entryFile = `${base}.entry.js`;
  const bundle = `${base}.mjs`;
  await mkdir(cacheDir, { recursive: true });
  await writeFile(entryFile, discoveryEntry(files));
  try {
    await writeFile(bundle, await bundleJobFiles(entryFile, bundle, projectRoot));
    const module = (await import(pathToFileURL(bundle).href)) as { loaded: LoadedModule[] };
    return module.loaded;
  } catch (failure) {
    if (failure instanceof JobBuildError) throw failure;
    // A package a job imports could not be linked; load files one by one to say which.
    return loadOneByOne(files);
  } finally {
    await Promise.all([rm(bundle, { force: true }), rm(entryFile, { force: true })]);
  }
}

function discoveryEntry(files: readonly string[]): string {
  const loads = files.map((file) => {
    const path = JSON.stringify(file);
    return `try { loaded.push({ file: ${path}, exports: require(${path}) }); } catch (error) { loaded.push({ file: ${path}, error }); }`;
  });
  return ['export const loaded = [];', ...loads].join('\n');
}

async function bundleJobFiles(
  entryFile: string,
  outfile: string,
  projectRoot: string,
): Promise<string> {
  try {
    const result = await build({
      entryPoints: [entryFile],
      absWorkingDir: projectRoot,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      plugins: [keepSubpathImportsExternal],
      sourcemap: 'inline',
      sourcesContent: false,
      outfile,
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]?.text ?? '';
  } catch (failure) {
    const messages = (failure as { errors?: Message[] }).errors;
    if (messages && messages.length > 0) throw new JobBuildError(messages);
    throw failure;
  }
}

async function loadOneByOne(files: readonly string[]): Promise<LoadedModule[]> {
  const loaded: LoadedModule[] = [];
  for (const file of files) {
    try {
      loaded.push({ file, exports: await import(pathToFileURL(file).href) });
    } catch (error) {
      loaded.push({ file, error });
    }
  }
  return loaded;
}

/** Where a build message points, relative to the project root. */
export function messageLocation(message: Message, projectRoot: string): string | undefined {
  const file = message.location?.file;
  if (!file) return undefined;
  return relative(projectRoot, join(projectRoot, file)).split('\\').join('/');
}
