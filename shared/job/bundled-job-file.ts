// Bundled into one file, job modules lose the file names that `defineJob` reads from the call
// stack to name a job. The bundler (infra/esbuild-runner.mjs) starts each job module's body
// with a call that says which job file follows; `defineJob` falls back to it. Kept on globalThis
// so that every copy of this module in a bundle sees the same value.
const BUNDLED_JOB_FILE = Symbol.for('serverless-jobs.bundledJobFile');

type WithBundledJobFile = typeof globalThis & { [BUNDLED_JOB_FILE]?: string };

/** Called by bundled code at the start of a job module's body. */
export function enterBundledJobFile(file: string): void {
  (globalThis as WithBundledJobFile)[BUNDLED_JOB_FILE] = file;
}

/** The job file whose module body is running, in a bundle; `undefined` elsewhere. */
export function bundledJobFile(): string | undefined {
  return (globalThis as WithBundledJobFile)[BUNDLED_JOB_FILE];
}
