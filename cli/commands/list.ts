import type { Command } from 'commander';
import { commandLine } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { describeSchedule, describeState, relativeTime, table } from '../format';
import { writeJson, writeLines } from '../io';

/** `jobctl list`: every job, with its schedule, queue, pause state, next run and last run. */
export function addListCommand(program: Command, context: CommandContext): void {
  program
    .command('list')
    .description('list the jobs, with their schedules, queues, pause state, next and last runs')
    .option('--json', "print the API's JSON ({ jobs: [...] }) instead of a table")
    .action((options: JsonOption) => listJobs(context, options));
}

export async function listJobs(context: CommandContext, options: JsonOption): Promise<void> {
  const { io } = context;
  const jobs = await (await context.api()).listJobs();
  if (options.json) {
    writeJson(io.stdout, { jobs });
    return;
  }
  if (jobs.length === 0) {
    writeLines(io.stdout, [
      `No jobs yet. Add one with: ${commandLine('new', 'daily-report', '--cron', '0 2 * * *')}`,
    ]);
    return;
  }
  const now = io.now();
  const rows = jobs.map((job) => [
    job.name,
    describeSchedule(job.schedule),
    job.queue,
    describeState(job, now),
    job.nextRunAt === null ? '-' : relativeTime(job.nextRunAt, now),
    job.lastRun === null
      ? 'never ran'
      : `${job.lastRun.status} ${relativeTime(job.lastRun.startedAt, now)}`,
  ]);
  const paused = jobs.filter((job) => job.paused).length;
  writeLines(io.stdout, [
    ...table(['NAME', 'SCHEDULE', 'QUEUE', 'STATE', 'NEXT RUN', 'LAST RUN'], rows),
    '',
    `${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}${paused > 0 ? `, ${paused} paused` : ''}`,
  ]);
}
