import type { CommandContext } from '../cli/command-context';
import { validateJobs } from '../cli/commands/validate';
import { JobsError } from '../shared/errors';

/**
 * What `npm run dev` prints when the runtime does not start. Job files that do not load are
 * listed as `npx jobctl validate` lists them, one line per problem (`<file>: <field>: <message>`),
 * from the same code; any other refusal (the data folder in use, a bad PORT) is its message;
 * only an error no one foresaw keeps its stack.
 */
export async function describeStartFailure(error: unknown, projectRoot: string): Promise<string> {
  if (isJobFilesError(error)) {
    const lines = await validationLines(projectRoot);
    if (lines !== '') {
      return `npm run dev did not start: the job files have problems, as \`npx jobctl validate\` lists them:\n${lines}Fix them, then start it again.\n`;
    }
  }
  if (error instanceof JobsError || error instanceof RangeError) {
    return `npm run dev did not start: ${error.message}\n`;
  }
  return `npm run dev did not start:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
}

/** Discovery's problems, and the names a deploy could not create (see deployableJobs). */
function isJobFilesError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'JobDiscoveryError' || error.name === 'UndeployableJobsError')
  );
}

/** What `jobctl validate` prints for the project, or '' when it finds nothing wrong. */
async function validationLines(projectRoot: string): Promise<string> {
  let text = '';
  const writer = { write: (chunk: string) => (text += chunk) };
  const context: CommandContext = {
    io: {
      stdout: writer,
      stderr: writer,
      env: process.env,
      cwd: projectRoot,
      projectRoot,
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    api: () => Promise.reject(new Error('validate needs no API')),
    commandLine: (...parts) => ['npx jobctl', ...parts].join(' '),
    pollIntervalMs: 1000,
  };
  try {
    await validateJobs(context, {});
    // Valid after all (a file fixed meanwhile): the error's own message says what it was.
    return '';
  } catch (error) {
    // Validation itself failed: the start's own error says what it can.
    return error instanceof Error && error.name === 'CliError' ? text : '';
  }
}
