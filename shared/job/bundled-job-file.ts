// Bundled into one file, job modules lose the file names that `defineJob` reads from the call
// stack to name a job. The bundlers (discovery's, and infra/esbuild-runner.mjs for Lambda) start
// each job module's body with `bundledJobFilePrelude`, which says which job file follows;
// `defineJob` falls back to it. Kept on globalThis, so the prelude needs no import and every
// copy of this module sees the same value.
const BUNDLED_JOB_FILE = Symbol.for('serverless-jobs.bundledJobFile');

type WithBundledJobFile = typeof globalThis & { [BUNDLED_JOB_FILE]?: string };

/** The statement a bundler puts at the start of a job module's first line (so line numbers hold). */
export function bundledJobFilePrelude(fileName: string): string {
  return `globalThis[Symbol.for('serverless-jobs.bundledJobFile')] = ${JSON.stringify(fileName)}; `;
}

/** Ends what the last prelude said, once a bundle's job modules have run. */
export function leaveBundledJobFile(): void {
  delete (globalThis as WithBundledJobFile)[BUNDLED_JOB_FILE];
}

/** The job file whose module body is running, in a bundle; `undefined` elsewhere. */
export function bundledJobFile(): string | undefined {
  return (globalThis as WithBundledJobFile)[BUNDLED_JOB_FILE];
}
