import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Message, type Plugin } from 'esbuild';
import { bundledJobFilePrelude, leaveBundledJobFile } from '../shared/job/bundled-job-file';

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

/** One esbuild error in a module that could not be built, relative to the project root. */
export interface BuildFailureMessage {
  readonly file: string;
  readonly line: number | undefined;
  readonly text: string;
}

const BUILD_FAILURE = 'JobBuildError';
// Rebuilds after stubbing the files that failed; each pass can only reveal errors (such as a
// missing export) that the previous pass's errors hid.
const MAX_BUILD_PASSES = 5;

/**
 * The build errors that stopped a module from loading, when `error` is what loading a module
 * that did not compile threw (or a module that imports one); undefined for any other error.
 */
export function buildFailureMessages(error: unknown): readonly BuildFailureMessage[] | undefined {
  if (!(error instanceof Error) || error.name !== BUILD_FAILURE) return undefined;
  const messages = (error as { buildMessages?: unknown }).buildMessages;
  return Array.isArray(messages) ? (messages as BuildFailureMessage[]) : undefined;
}

function buildFailure(messages: readonly BuildFailureMessage[]): Error {
  const error = new Error(messages.map((message) => message.text).join('; '));
  error.name = BUILD_FAILURE;
  return Object.assign(error, { buildMessages: messages });
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
  // Modules that failed to build, by absolute path: each is replaced by one that throws its
  // errors, so that the other files still load and their problems are reported too.
  const broken = new Map<string, BuildFailureMessage[]>();
  try {
    await writeFile(bundle, await bundleWithStubs(entryFile, bundle, projectRoot, broken));
    const module = (await import(pathToFileURL(bundle).href)) as { loaded: LoadedModule[] };
    return module.loaded;
  } catch (failure) {
    if (failure instanceof JobBuildError) throw failure;
    // A package a job imports could not be linked; load files one by one to say which.
    return loadOneByOne(files, broken);
  } finally {
    // Else the last job file's name would stay, and name a job that some later code defines.
    leaveBundledJobFile();
    await Promise.all([rm(bundle, { force: true }), rm(entryFile, { force: true })]);
  }
}

/**
 * Bundles the job files; when some modules fail to build and esbuild says where, bundles again
 * with those modules stubbed (recording them in `broken`). Throws JobBuildError for errors it
 * cannot pin to a module.
 */
async function bundleWithStubs(
  entryFile: string,
  outfile: string,
  projectRoot: string,
  broken: Map<string, BuildFailureMessage[]>,
): Promise<string> {
  for (let pass = 1; ; pass++) {
    try {
      return await bundleJobFiles(entryFile, outfile, projectRoot, broken);
    } catch (failure) {
      if (!(failure instanceof JobBuildError) || pass >= MAX_BUILD_PASSES) throw failure;
      const located = failure.messages.map((message) => {
        const file = message.location?.file;
        return file
          ? { path: isAbsolute(file) ? file : join(projectRoot, file), message }
          : undefined;
      });
      // Errors without a module, in the generated entry, or in a module already stubbed: the
      // build cannot be saved, so they are all reported as they are.
      const unpinned = located.some(
        (entry) => !entry || entry.path === entryFile || broken.has(entry.path),
      );
      if (unpinned) throw failure;
      for (const entry of located) {
        if (!entry) continue;
        const messages = broken.get(entry.path) ?? [];
        messages.push({
          file: messageLocation(entry.message, projectRoot) ?? entry.path,
          line: entry.message.location?.line,
          text: entry.message.text,
        });
        broken.set(entry.path, messages);
      }
    }
  }
}

// Stands in for a module that did not build. Its `export *` from a built-in module makes
// esbuild accept any name its importers ask for (it cannot know the built-in's exports), and
// it throws before any of them is used.
function stubModule(messages: readonly BuildFailureMessage[]): string {
  return [
    `const error = new Error(${JSON.stringify(messages.map((message) => message.text).join('; '))});`,
    `error.name = ${JSON.stringify(BUILD_FAILURE)};`,
    `error.buildMessages = ${JSON.stringify(messages)};`,
    'throw error;',
    "export * from 'node:util';",
  ].join('\n');
}

function stubBrokenModules(broken: ReadonlyMap<string, BuildFailureMessage[]>): Plugin {
  const escapeRegExp = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    name: 'stub-broken-modules',
    setup(pluginBuild) {
      pluginBuild.onLoad(
        { filter: new RegExp(`^(?:${[...broken.keys()].map(escapeRegExp).join('|')})$`) },
        (args) => {
          const messages = broken.get(args.path);
          return messages ? { contents: stubModule(messages), loader: 'js' } : undefined;
        },
      );
    },
  };
}

/** Starts each job module's body with its file name, which the bundle would lose. */
const jobFileNames: Plugin = {
  name: 'job-file-names',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.job\.[cm]?[jt]s$/ }, async (args) => ({
      contents: bundledJobFilePrelude(basename(args.path)) + (await readFile(args.path, 'utf8')),
      loader: args.path.endsWith('ts') ? 'ts' : 'js',
    }));
  },
};

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
  broken: ReadonlyMap<string, BuildFailureMessage[]>,
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
      // Stubs first: a broken job file is replaced, not named.
      plugins:
        broken.size === 0
          ? [keepSubpathImportsExternal, jobFileNames]
          : [keepSubpathImportsExternal, stubBrokenModules(broken), jobFileNames],
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

async function loadOneByOne(
  files: readonly string[],
  broken: ReadonlyMap<string, readonly BuildFailureMessage[]>,
): Promise<LoadedModule[]> {
  const loaded: LoadedModule[] = [];
  for (const file of files) {
    const buildMessages = broken.get(file);
    if (buildMessages) {
      loaded.push({ file, error: buildFailure(buildMessages) });
      continue;
    }
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
