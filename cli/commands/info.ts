import type { Command } from 'commander';
import type { JobDetails } from '../../shared/api/api-resources';
import type { CommandContext, JsonOption } from '../command-context';
import {
  describeExecution,
  describeSchedule,
  describeState,
  fields,
  relativeTime,
  seconds,
  zonedTime,
} from '../format';
import { writeJson, writeLines } from '../io';

/** `jobctl info <name>`: a job's settings, its next fire times and its last run. */
export function addInfoCommand(program: Command, context: CommandContext): void {
  program
    .command('info')
    .description("show a job's settings, next fire times and last run")
    .argument('<name>', 'the job')
    .option('--json', "print the API's JSON instead")
    .action((name: string, options: JsonOption) => showJob(context, name, options));
}

export async function showJob(
  context: CommandContext,
  name: string,
  options: JsonOption,
): Promise<void> {
  const { io } = context;
  const job = await (await context.api()).getJob(name);
  if (options.json) {
    writeJson(io.stdout, job);
    return;
  }
  writeLines(io.stdout, describeJob(job, io.now(), context.commandLine));
}

/** The schedule as written, and in words when the API gives them. */
function scheduleLines(job: JobDetails): string {
  const words = job.schedule?.description;
  return words ? `${describeSchedule(job.schedule)}\n${words}` : describeSchedule(job.schedule);
}

export function describeJob(
  job: JobDetails,
  now: number,
  commandLine: CommandContext['commandLine'],
): string[] {
  const timeZone = job.schedule?.timezone ?? 'UTC';
  const nextRuns =
    job.nextFireTimes.length > 0
      ? job.nextFireTimes
          .map((time) => `${zonedTime(time, timeZone)}  (${relativeTime(time, now)})`)
          .join('\n')
      : job.schedule
        ? 'none: the schedule will not fire again'
        : `none: runs only when started (${commandLine('run', job.name)}) or enqueued`;
  const lastRun = job.lastRun
    ? `${describeExecution(job.lastRun)}\n${relativeTime(job.lastRun.startedAt, now)}, ${job.lastRun.trigger}, attempt ${job.lastRun.attempt} of ${job.lastRun.maxAttempts}, run ${job.lastRun.runId}`
    : 'never';
  const title = job.displayName !== job.name ? `${job.name} (${job.displayName})` : job.name;
  return [
    title,
    ...(job.description !== undefined ? [job.description] : []),
    '',
    ...fields([
      ['Schedule', scheduleLines(job)],
      ['State', describeState(job, now)],
      ['Queue', job.queue],
      ['Retries', String(job.retries)],
      ['Timeout', seconds(job.timeoutSeconds)],
      ['Memory', `${job.memoryMb} MB`],
      ['Overlap', job.overlap === 'skip' ? 'skip (one run at a time)' : 'allow'],
      ['Next runs', nextRuns],
      ['Last run', lastRun],
    ]),
  ];
}
