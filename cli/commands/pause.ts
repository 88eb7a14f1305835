import type { Command } from 'commander';
import type { PauseResult } from '../../shared/control/job-control';
import type { CommandContext, JsonOption } from '../command-context';
import { writeJson, writeLines } from '../io';

/** `jobctl pause <name>`: schedule ticks and enqueued runs are skipped until it is resumed. */
export function addPauseCommand(program: Command, context: CommandContext): void {
  program
    .command('pause')
    .description('pause a job: its schedule ticks and enqueued runs are skipped until resumed')
    .argument('<name>', 'the job')
    .option('--json', "print the API's JSON instead")
    .action((name: string, options: JsonOption) => pauseJob(context, name, options));
}

export async function pauseJob(
  context: CommandContext,
  name: string,
  options: JsonOption,
): Promise<void> {
  const result = await (await context.api()).pause(name);
  if (options.json) {
    writeJson(context.io.stdout, result);
    return;
  }
  writeLines(context.io.stdout, [
    `Paused ${result.jobName}: its schedule ticks and enqueued runs are skipped; runs started with \`${context.commandLine('run', result.jobName)}\` still run.`,
    ...scheduleNote(result),
    `Resume it with: ${context.commandLine('resume', result.jobName)}`,
  ]);
}

/** A pause holds even when the schedule could not be switched off: the worker skips its ticks. */
function scheduleNote(result: PauseResult): string[] {
  return result.schedule === 'failed'
    ? [
        'Its schedule could not be switched off; that is harmless, since the worker skips the ticks of a paused job.',
      ]
    : [];
}
