import { projectRootOf } from './project-root';

/** Where a command writes: `process.stdout` and `process.stderr` fit, and so does a test's buffer. */
export interface Writer {
  write(text: string): unknown;
}

/**
 * Everything a command touches outside its arguments, so that tests run commands in-process:
 * output streams, the environment, the working directory, the clock and waiting.
 */
export interface CliIo {
  /** Results: what people read, or JSON with `--json`. */
  readonly stdout: Writer;
  /** Progress, warnings and errors. */
  readonly stderr: Writer;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working folder, where relative paths given on the command line start. */
  readonly cwd: string;
  /** The project's root, where `functions/jobs/` and `cdk.json` are (see `projectRootOf`). */
  readonly projectRoot: string;
  /** Milliseconds since the epoch; relative times ("3 minutes ago") are counted from it. */
  now(): number;
  /** Waits between polls of a run. */
  sleep(ms: number): Promise<void>;
}

/** The process's own streams, environment, directory and clock. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    projectRoot: projectRootOf(process.cwd()),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Writes `value` as indented JSON and a newline: what `--json` prints. */
export function writeJson(writer: Writer, value: unknown): void {
  writer.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes each line followed by a newline. */
export function writeLines(writer: Writer, lines: readonly string[]): void {
  if (lines.length > 0) writer.write(`${lines.join('\n')}\n`);
}
