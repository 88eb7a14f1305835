import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_JOBS_DIR, findJobFiles } from '../../discovery/index';
import { ResourceNames } from '../../shared/naming/resource-names';
import { appName } from '../app-name';
import { commandLine } from '../arguments';
import type { CommandContext } from '../command-context';
import { CliError, CliUsageError } from '../errors';
import { writeLines } from '../io';
import {
  type JobTemplateField,
  type JobTemplateSchedule,
  jobFilePath,
  renderJobFile,
} from '../job-template';

export interface NewOptions {
  readonly cron?: string;
  readonly rate?: string;
  readonly manual?: boolean;
  readonly timezone?: string;
  readonly description?: string;
}

/** Which flag set each part of the template, for error messages. */
const FLAGS: Readonly<Record<JobTemplateField, string>> = {
  name: '<name>',
  schedule: '--cron/--rate',
  cron: '--cron',
  rate: '--rate',
  timezone: '--timezone',
  description: '--description',
  displayName: '<name>',
};

/** `jobctl new <name>`: writes `functions/jobs/<name>.job.ts`, never over an existing file. */
export function addNewCommand(program: Command, context: CommandContext): void {
  program
    .command('new')
    .description('create functions/jobs/<name>.job.ts: a cron, a rate or an on-demand job')
    .argument('<name>', "the job's name: lower-case kebab, such as nightly-sync")
    .option('--cron <expression>', "a 5-field cron expression, such as '0 2 * * *'")
    .option('--timezone <zone>', 'with --cron: the IANA time zone it runs in (default: UTC)')
    .option('--rate <rate>', "a rate, such as '15 minutes'")
    .option('--manual', 'no schedule: the job runs only when started or enqueued')
    .option('--description <text>', 'what the job does, for list, the dashboard and alerts')
    .action((name: string, options: NewOptions) => createJob(context, name, options));
}

export async function createJob(
  context: CommandContext,
  name: string,
  options: NewOptions,
): Promise<void> {
  const { io } = context;
  const schedule = scheduleOf(options);
  let path: string;
  let source: string;
  try {
    path = jobFilePath(name);
    source = renderJobFile({
      name,
      ...(schedule !== undefined ? { schedule } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'JobTemplateError') {
      const field = (error as Error & { field: JobTemplateField }).field;
      throw new CliUsageError(`${FLAGS[field] ?? field}: ${error.message}`);
    }
    throw error;
  }

  const file = join(io.projectRoot, path);
  const jobsDir = join(io.projectRoot, DEFAULT_JOBS_DIR);
  const sameName = existingJobFile(jobsDir, basename(file));
  if (sameName !== undefined) {
    throw new CliError(
      `${relative(io.projectRoot, sameName).split('\\').join('/')} already exists, and job names must be unique: pick another name, or edit that file.`,
    );
  }
  const taken = new ResourceNames(await appName(io.projectRoot)).collisions([
    { name, ...(schedule !== undefined ? { schedule } : {}) },
  ]);
  if (taken.length > 0) {
    const names = taken.map(
      ({ first }) => `the ${first.kind} "${first.name}" (the app's ${first.role})`,
    );
    throw new CliError(
      `A job named "${name}" would give its resources names that the app's own resources have: ${names.join(', ')}. AWS allows one of each name: pick another name.`,
    );
  }
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, source, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${path} already exists: pick another name, or edit that file.`);
    }
    throw error;
  }
  writeLines(io.stdout, [
    `Created ${path}.`,
    `Write its work in run(), then check it with: ${commandLine('validate')}`,
    'Before deploying, run npx cdk synth: it gives the job its stack in job-stacks.txt; commit that file with the job.',
  ]);
}

function scheduleOf(options: NewOptions): JobTemplateSchedule | undefined {
  const chosen = [
    options.cron !== undefined ? '--cron' : undefined,
    options.rate !== undefined ? '--rate' : undefined,
    options.manual ? '--manual' : undefined,
  ].filter((flag) => flag !== undefined);
  if (chosen.length !== 1) {
    throw new CliUsageError(
      chosen.length === 0
        ? "Say when the job runs: --cron '0 2 * * *' [--timezone Europe/London], --rate '15 minutes', or --manual for a job with no schedule."
        : `Pass one of --cron, --rate and --manual, got ${chosen.join(' and ')}.`,
    );
  }
  if (options.timezone !== undefined && options.cron === undefined) {
    throw new CliUsageError(
      '--timezone goes with --cron: a rate counts from the last run, and an on-demand job has no schedule.',
    );
  }
  if (options.cron !== undefined) {
    return {
      cron: options.cron,
      ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
    };
  }
  if (options.rate !== undefined) return { rate: options.rate };
  return undefined;
}

/** A job file of this name anywhere below the jobs folder (a subfolder included). */
function existingJobFile(jobsDir: string, fileName: string): string | undefined {
  try {
    return findJobFiles(jobsDir).find((file) => basename(file) === fileName);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
