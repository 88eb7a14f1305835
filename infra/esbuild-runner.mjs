// Runs one esbuild build with this app's plugins, for callers that must stay synchronous (a CDK
// construct): esbuild's synchronous API takes no plugins. Reads the build options as JSON on
// stdin and writes the metafile as JSON on stdout.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

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

const options = JSON.parse(readFileSync(0, 'utf8'));
const result = await build({
  ...options,
  metafile: true,
  plugins: [englishOnlyZodLocales, jobFileNames],
});
process.stdout.write(JSON.stringify(result.metafile));
