import type { Command } from 'commander';
import { discoverJobs } from '../../discovery/index';
import type { JobDetails } from '../../shared/api/api-resources';
import { UnknownJobError } from '../../shared/errors';
import {
  type ScheduleExpression as Schedule,
  ScheduleExpression,
} from '../../shared/schedule/schedule-expression';
import { wholeNumber } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { ApiUnreachableError } from '../errors';
import { describeSchedule, relativeTime, table, zonedIso, zonedParts } from '../format';
import { writeJson, writeLines } from '../io';

export const MAX_NEXT_COUNT = 100;
const DEFAULT_NEXT_COUNT = 5;

export interface NextOptions extends JsonOption {
  readonly count?: number;
}

/** One fire time: the instant, and the wall-clock time in the job's time zone. */
export interface FireTime {
  /** ISO, UTC. */
  readonly time: string;
  /** ISO with the zone's offset: `2026-11-24T02:00:00+00:00`. */
  readonly local: string;
}

/** `jobctl next <name>`: when the job's schedule fires next, in the job's time zone. */
export function addNextCommand(program: Command, context: CommandContext): void {
  program
    .command('next')
    .description("list the next times a job's schedule fires, in the job's time zone")
    .argument('<name>', 'the job')
    .option(
      '--count <n>',
      `how many, 1 to ${MAX_NEXT_COUNT} (default: ${DEFAULT_NEXT_COUNT})`,
      wholeNumber(1, MAX_NEXT_COUNT),
    )
    .option('--json', 'print JSON: { jobName, schedule, timezone, paused, fireTimes }')
    .action((name: string, options: NextOptions) => showNextFireTimes(context, name, options));
}

export async function showNextFireTimes(
  context: CommandContext,
  name: string,
  options: NextOptions,
): Promise<void> {
  const { io } = context;
  const job = await jobOrItsFile(context, name);
  const count = options.count ?? DEFAULT_NEXT_COUNT;
  const timeZone = job.schedule?.timezone ?? 'UTC';
  const times = nextFireTimes(job, count, io.now());
  const fireTimes: FireTime[] = times.map((time) => ({ time, local: zonedIso(time, timeZone) }));

  if (options.json) {
    writeJson(io.stdout, {
      jobName: job.name,
      schedule: job.schedule ?? null,
      timezone: job.schedule ? timeZone : null,
      paused: job.paused ?? null,
      fireTimes,
    });
    return;
  }
  if (!job.schedule) {
    writeLines(io.stdout, [
      `${job.name} has no schedule: it runs only when started (${context.commandLine('run', job.name)}) or enqueued by another job.`,
    ]);
    return;
  }
  if (fireTimes.length === 0) {
    writeLines(io.stdout, [`${job.name} (${describeSchedule(job.schedule)}) will not fire again.`]);
    return;
  }
  const now = io.now();
  const rows = times.map((time) => {
    const parts = zonedParts(new Date(time), timeZone);
    return [parts.weekday, parts.date, parts.time, parts.offset, relativeTime(time, now)];
  });
  writeLines(io.stdout, [
    `Next ${fireTimes.length === 1 ? 'fire time' : `${fireTimes.length} fire times`} of ${job.name}, ${describeSchedule(job.schedule)}, in ${timeZone}:`,
    ...(job.paused === true
      ? [`(paused: these ticks are skipped until ${context.commandLine('resume', job.name)})`]
      : []),
    '',
    ...table(['DAY', 'DATE', 'TIME', 'UTC OFFSET', 'IN'], rows),
  ]);
}

/** What `next` needs of a job: the API's details, or its job file's when no server answers. */
type ScheduledJob = Pick<JobDetails, 'name' | 'nextFireTimes'> & {
  readonly schedule?: Pick<Schedule, 'kind' | 'expression' | 'timezone' | 'source'>;
  /** Unknown (undefined) when read from the job file: the pause state is the server's. */
  readonly paused?: boolean;
};

/**
 * The job as the API shows it; when no server answers, as its job file defines it, so that
 * `next` works before `npm run dev` starts (the pause state is then unknown, and said so).
 */
async function jobOrItsFile(context: CommandContext, name: string): Promise<ScheduledJob> {
  const api = await context.api();
  try {
    return await api.getJob(name);
  } catch (error) {
    if (!(error instanceof ApiUnreachableError)) throw error;
    const { jobs } = await discoverJobs({ projectRoot: context.io.projectRoot });
    const found = jobs.find((job) => job.definition.name === name)?.definition;
    if (!found)
      throw new UnknownJobError(
        name,
        jobs.map((job) => job.definition.name),
      );
    context.io.stderr.write(
      `No server answered at ${api.description}: the fire times come from ${name}'s job file, and whether it is paused is not known.\n`,
    );
    return {
      name,
      nextFireTimes: [],
      ...(found.schedule ? { schedule: found.schedule } : {}),
    };
  }
}

/**
 * The API's fire times when it listed enough of them; more are computed here from the same
 * schedule, which lists them as Scheduler fires them (gaps skipped, repeated hours once).
 */
function nextFireTimes(job: ScheduledJob, count: number, now: number): string[] {
  if (job.nextFireTimes.length >= count || !job.schedule) {
    return job.nextFireTimes.slice(0, count);
  }
  const schedule = scheduleOf(job.schedule);
  if (!schedule) return [...job.nextFireTimes];
  const last = job.nextFireTimes[job.nextFireTimes.length - 1];
  // From the API's last time, so that the two parts join without a gap or a repeat.
  const more = schedule.nextFireTimes({
    count: count - job.nextFireTimes.length,
    after: last !== undefined ? new Date(last) : new Date(now),
  });
  return [...job.nextFireTimes, ...more.map((time) => time.toISOString())];
}

function scheduleOf(schedule: NonNullable<ScheduledJob['schedule']>): Schedule | undefined {
  try {
    switch (schedule.kind) {
      case 'cron':
        return ScheduleExpression.cron(schedule.source, schedule.timezone);
      case 'rate':
        return ScheduleExpression.rate(schedule.source);
      case 'at':
        return ScheduleExpression.at(schedule.source, schedule.timezone);
      default:
        return undefined;
    }
  } catch {
    // A schedule this CLI's version cannot read: the API's own list is all there is.
    return undefined;
  }
}
