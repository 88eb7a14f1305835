import type { Command } from 'commander';
import type { CommandContext, JsonOption } from '../command-context';
import { CliError } from '../errors';
import { writeJson, writeLines } from '../io';
import { type AllOption, requireName, setAllPaused } from './pause';

/** `jobctl resume <name>` (or `--all`): undoes `jobctl pause`. */
export function addResumeCommand(program: Command, context: CommandContext): void {
  program
    .command('resume')
    .description('resume a paused job: its schedule and enqueued runs run again')
    .argument('[name]', 'the job')
    .option('--all', 'resume every job')
    .option('--json', "print the API's JSON instead")
    .action((name: string | undefined, options: AllOption) =>
      options.all
        ? setAllPaused(context, false, name, options)
        : resumeJob(context, requireName(name, 'resume'), options),
    );
}

export async function resumeJob(
  context: CommandContext,
  name: string,
  options: JsonOption,
): Promise<void> {
  const result = await (await context.api()).resume(name);
  if (options.json) writeJson(context.io.stdout, result);
  else {
    writeLines(context.io.stdout, [
      `Resumed ${result.jobName}: its schedule ticks and enqueued runs run again.`,
    ]);
  }
  // Unlike a pause, this is not covered by the worker: a schedule left off does not fire.
  if (result.schedule === 'failed') {
    throw new CliError(
      `${result.jobName} is resumed, but its schedule could not be switched back on, so it may not fire: run \`${context.commandLine('resume', result.jobName)}\` again, and if that fails look for "Could not switch" in the API's logs.`,
    );
  }
}
