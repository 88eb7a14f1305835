// Runs esbuild builds, side by side, with this app's plugins, for callers that must stay
// synchronous (a CDK construct): esbuild's synchronous API takes no plugins. Reads a list of
// build options as JSON on stdin (`jobWorkers: true` marks the build of the job workers) and
// writes the list of their metafiles as JSON on stdout.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { cronerOnFirstUse } from './croner-on-first-use.mjs';

/**
 * zod's `z.locales` re-exports every language's messages (about 260 KB minified), which esbuild
 * keeps because the `z` namespace escapes; only English is used, so only English is bundled.
 */
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'english-only-zod-locales' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'english-only-zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: pluginBuild.initialOptions.absWorkingDir ?? process.cwd(),
      loader: 'js',
    }));
  },
};

/**
 * Starts the body of each job module with the name of its file, which the bundle would lose:
 * `defineJob` names a job after its file (see shared/job/bundled-job-file.ts). ES imports are
 * hoisted, so every imported job module has finished, and set its own file, before this runs.
 */
const jobFileNames = {
  name: 'job-file-names',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.job\.[cm]?[jt]s$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const file = args.path.split(/[\\/]/).pop();
      return {
        // The same statement as bundledJobFilePrelude() in shared/job/bundled-job-file.ts.
        contents: `globalThis[Symbol.for('serverless-jobs.bundledJobFile')] = ${JSON.stringify(file)}; ${source}`,
        loader: args.path.endsWith('ts') ? 'ts' : 'js',
      };
    });
  },
};

/**
 * `#shared`, the barrel job files import, only re-exports: marked free of side effects, esbuild
 * follows only the re-exports a bundle uses, so a worker does not load the REST API, the local
 * stores and the rest of what the barrel offers other callers.
 */
const sideEffectFreeBarrel = {
  name: 'side-effect-free-barrel',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^#shared$/ }, async (args) => {
      if (args.pluginData?.barrel) return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { barrel: true },
      });
      return resolved.errors.length > 0 ? undefined : { ...resolved, sideEffects: false };
    });
  },
};

/**
 * @middy/core 6 imports `ReadableStream` from node:stream/web as it loads, for its streaming mode
 * (`streamifyResponse`), which none of our handlers use; loading Node's web streams costs about
 * 3 ms of every cold start (bench/lambda-bundle.bench.ts). Middy 7 moves that import into its
 * streaming module, but needs Node 22. middy only asks `instanceof ReadableStream` (a test holds
 * it to that), so it gets a class that answers with Node's own, loaded when first asked.
 */
const middyWebStreamsOnFirstUse = {
  name: 'middy-web-streams-on-first-use',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:stream\/web$/ }, (args) =>
      /[\\/]@middy[\\/]core[\\/]/.test(args.importer)
        ? { path: 'web-streams', namespace: 'middy-web-streams-on-first-use' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'middy-web-streams-on-first-use' }, () => ({
      contents: `export class ReadableStream {
  static [Symbol.hasInstance](value) {
    return value instanceof globalThis.ReadableStream;
  }
}`,
      loader: 'js',
    }));
  },
};

const builds = JSON.parse(readFileSync(0, 'utf8'));
const metafiles = await Promise.all(
  builds.map(async ({ jobWorkers, ...options }) => {
    const result = await build({
      ...options,
      metafile: true,
      plugins: [
        englishOnlyZodLocales,
        jobFileNames,
        sideEffectFreeBarrel,
        middyWebStreamsOnFirstUse,
        ...(jobWorkers ? [cronerOnFirstUse] : []),
      ],
    });
    return result.metafile;
  }),
);
process.stdout.write(JSON.stringify(metafiles));
