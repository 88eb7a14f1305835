import type { Command } from 'commander';
import { type DiscoveredJob, discoverJobs } from '../../discovery/index';
import type { JobDeploymentError } from '../../infra/validate-jobs';
import type { DiscoveryProblem, JobDiscoveryError } from '../../shared/errors';
import { appName } from '../app-name';
import { commandLine } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { CliError } from '../errors';
import { describeSchedule, table } from '../format';
import { writeJson, writeLines } from '../io';

/** One problem with one job file, and the option at fault when there is one. */
export interface ValidationProblem {
  /** Relative to the project root. */
  readonly file: string;
  readonly field?: string;
  readonly message: string;
}

/** `jobctl validate`: discovers and checks the job files as `cdk synth` would, without a server. */
export function addValidateCommand(program: Command, context: CommandContext): void {
  program
    .command('validate')
    .description(
      'check every job file below functions/jobs/ as cdk synth would (no server, no AWS); exit 1 on any problem',
    )
    .option('--json', 'print JSON: { valid, jobs, problems, warnings }')
    .action((options: JsonOption) => validateJobs(context, options));
}

export async function validateJobs(context: CommandContext, options: JsonOption): Promise<void> {
  const { io } = context;
  const problems: ValidationProblem[] = [];
  let jobs: readonly DiscoveredJob[] = [];
  let warnings: readonly string[] = [];
  try {
    ({ jobs, warnings } = await discoverJobs({ projectRoot: io.projectRoot }));
  } catch (error) {
    if (!isDiscoveryError(error)) throw error;
    problems.push(...error.problems.flatMap(byField));
  }
  if (jobs.length > 0) problems.push(...(await deploymentProblems(jobs, io.projectRoot)));

  if (options.json) {
    writeJson(io.stdout, {
      valid: problems.length === 0,
      jobs: jobs.map((job) => ({
        name: job.definition.name,
        file: job.relativeFile,
        ...(job.definition.schedule
          ? {
              schedule: {
                kind: job.definition.schedule.kind,
                expression: job.definition.schedule.expression,
                timezone: job.definition.schedule.timezone,
                source: job.definition.schedule.source,
              },
            }
          : {}),
      })),
      problems,
      warnings,
    });
  } else {
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    if (problems.length > 0) {
      writeLines(
        io.stdout,
        problems.map(
          (problem) =>
            `${problem.file}: ${problem.field !== undefined ? `${problem.field}: ` : ''}${problem.message}`,
        ),
      );
    } else {
      writeLines(io.stdout, [
        ...table(
          ['JOB', 'FILE', 'SCHEDULE'],
          jobs.map((job) => [
            job.definition.name,
            job.relativeFile,
            describeSchedule(job.definition.schedule),
          ]),
        ),
        '',
        `${jobs.length} ${jobs.length === 1 ? 'job is' : 'jobs are'} valid.`,
      ]);
    }
  }
  if (problems.length > 0) {
    const files = new Set(problems.map((problem) => problem.file)).size;
    throw new CliError(
      `${problems.length === 1 ? '1 problem' : `${problems.length} problems`} in ${files === 1 ? '1 job file' : `${files} job files`}: fix ${problems.length === 1 ? 'it' : 'them'}, then run \`${commandLine('validate')}\` again.`,
    );
  }
}

function isDiscoveryError(error: unknown): error is JobDiscoveryError {
  return error instanceof Error && error.name === 'JobDiscoveryError';
}

/**
 * A discovery problem as one problem per field: an invalid definition's message lists its
 * fields as `  - field: message` lines under an "Invalid definition of job" line.
 */
function byField(problem: DiscoveryProblem): ValidationProblem[] {
  const [first = '', ...rest] = problem.message.split('\n');
  if (!/^Invalid definition of /.test(first) || rest.length === 0) {
    return [{ file: problem.file, message: problem.message }];
  }
  const problems: { file: string; field?: string; message: string }[] = [];
  for (const line of rest) {
    const issue = /^\s*- ([^\s:]+): (.*)$/.exec(line);
    const last = problems[problems.length - 1];
    if (issue?.[1] !== undefined && issue[2] !== undefined) {
      problems.push({ file: problem.file, field: issue[1], message: issue[2] });
    } else if (last) {
      last.message = `${last.message}\n${line}`;
    } else {
      problems.push({ file: problem.file, message: line.trim() });
    }
  }
  return problems;
}

/**
 * What synth checks beyond each definition (names too long for AWS with the app's name, an
 * `at` in the past, enqueues of unknown jobs), from the same code as synth. Loaded on demand:
 * it brings in aws-cdk-lib.
 */
async function deploymentProblems(
  jobs: readonly DiscoveredJob[],
  projectRoot: string,
): Promise<ValidationProblem[]> {
  const [{ validateJobsForDeployment }, { ResourceNames }] = await Promise.all([
    import('../../infra/validate-jobs'),
    import('../../infra/naming'),
  ]);
  try {
    validateJobsForDeployment(jobs, new ResourceNames(await appName(projectRoot)));
    return [];
  } catch (error) {
    if (error instanceof Error && error.name === 'JobDeploymentError') {
      return [...(error as JobDeploymentError).problems];
    }
    throw error;
  }
}
