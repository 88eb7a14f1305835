import type { Command } from 'commander';
import type { PauseResult } from '../../shared/control/job-control';
import type { CommandContext, JsonOption } from '../command-context';
import { CliError, CliUsageError } from '../errors';
import { writeJson, writeLines } from '../io';

/**
 * `jobctl pause <name>`: schedule ticks and enqueued runs are skipped until it is resumed;
 * `jobctl pause --all`, every job's: the emergency brake.
 */
export function addPauseCommand(program: Command, context: CommandContext): void {
  program
    .command('pause')
    .description('pause a job: its schedule ticks and enqueued runs are skipped until resumed')
    .argument('[name]', 'the job')
    .option('--all', 'pause every job (the emergency brake while a bad deploy is rolled back)')
    .option('--json', "print the API's JSON instead")
    .action((name: string | undefined, options: AllOption) =>
      options.all
        ? setAllPaused(context, true, name, options)
        : pauseJob(context, requireName(name, 'pause'), options),
    );
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

export type AllOption = JsonOption & { readonly all?: boolean };

/** The job a command names, or a usage error that says how to name one or all. */
export function requireName(name: string | undefined, command: 'pause' | 'resume'): string {
  if (name !== undefined) return name;
  throw new CliUsageError(
    `Name the job to ${command} (jobctl ${command} <name>), or ${command} every job with --all`,
  );
}

/** `pause --all` or `resume --all`: every job, each tried whatever happens to the others. */
export async function setAllPaused(
  context: CommandContext,
  paused: boolean,
  name: string | undefined,
  options: AllOption,
): Promise<void> {
  const verb = paused ? 'pause' : 'resume';
  if (name !== undefined) {
    throw new CliUsageError(
      `Give a job's name or --all, not both: jobctl ${verb} --all ${verb}s every job`,
    );
  }
  const result = await (await context.api()).setAllPaused(paused);
  if (options.json) {
    writeJson(context.io.stdout, result);
    return;
  }
  const unswitched = result.jobs
    .filter((job) => job.schedule === 'failed')
    .map((job) => job.jobName);
  writeLines(context.io.stdout, [
    paused
      ? `Paused all ${result.jobs.length} jobs: their schedule ticks and enqueued runs are skipped until resumed.`
      : `Resumed all ${result.jobs.length} jobs: their schedule ticks and enqueued runs run again.`,
    ...(unswitched.length > 0
      ? [
          paused
            ? `The schedules of ${unswitched.join(', ')} could not be switched off; that is harmless, since the worker skips a paused job's ticks.`
            : `The schedules of ${unswitched.join(', ')} could not be switched back on: run \`${context.commandLine('resume', '--all')}\` again.`,
        ]
      : []),
    ...(paused ? [`Resume them with: ${context.commandLine('resume', '--all')}`] : []),
  ]);
  if (!paused && unswitched.length > 0) {
    throw new CliError(`${unswitched.length} resumed jobs' schedules are still off`);
  }
}

/** A pause holds even when the schedule could not be switched off: the worker skips its ticks. */
function scheduleNote(result: PauseResult): string[] {
  return result.schedule === 'failed'
    ? [
        'Its schedule could not be switched off; that is harmless, since the worker skips the ticks of a paused job.',
      ]
    : [];
}
