import { JobsError } from '../shared/errors';
import type { AnyNamedJobDefinition } from '../shared/job/job-definition';
import type { PhysicalName } from '../shared/naming/resource-names';
import { NAME_LIMITS, type ResourceNames } from './naming';

/** A job as the app receives it: its definition and the file it came from. */
export interface JobSource {
  readonly definition: AnyNamedJobDefinition;
  /** The job file's path, absolute or relative to the project root. */
  readonly file: string;
  readonly relativeFile?: string;
}

export interface DeploymentProblem {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

/** Jobs that would fail in CloudFormation; found at synth, each named by file and field. */
export class JobDeploymentError extends JobsError {
  override name = 'JobDeploymentError';

  constructor(readonly problems: readonly DeploymentProblem[]) {
    const count = problems.length === 1 ? '1 job problem' : `${problems.length} job problems`;
    const lines = problems.map(
      (problem) => `  ${problem.file}: ${problem.field}: ${problem.message}`,
    );
    super(`Cannot deploy the jobs, ${count}:\n${lines.join('\n')}`);
  }
}

const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/**
 * What defineJob cannot know on its own: limits that depend on the app's name and on the other
 * jobs, and every physical name the app would give two resources of one kind. Everything is
 * checked, so one synth lists every problem.
 */
export function validateJobsForDeployment(jobs: readonly JobSource[], names: ResourceNames): void {
  const problems: DeploymentProblem[] = [];
  const known = new Set(jobs.map((job) => job.definition.name));
  const seen = new Map<string, string>();
  for (const { definition: job, file, relativeFile } of jobs) {
    const where = relativeFile ?? file;
    const add = (field: string, message: string) => problems.push({ file: where, field, message });
    const previous = seen.get(job.name);
    if (previous) add('name', `"${job.name}" is also the name of the job in ${previous}`);
    seen.set(job.name, where);

    const resourceName = names.job(job.name);
    const limit = job.schedule ? NAME_LIMITS.scheduleName : NAME_LIMITS.functionName;
    if (resourceName.length > limit) {
      add(
        'name',
        `the ${job.schedule ? 'schedule' : 'function'} name "${resourceName}" has ${resourceName.length} characters; AWS allows ${limit}: shorten the job's name (or the app's)`,
      );
    }
    if (job.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
      add('timeout', `${job.timeoutSeconds} s is over Lambda's 15 minutes`);
    }
    for (const target of job.enqueues) {
      if (!known.has(target)) {
        add('enqueues', `"${target}" is not a job of this app; declare only jobs that exist`);
      }
    }
    if (job.schedule?.kind === 'at') {
      const [fireTime] = job.schedule.nextFireTimes({ count: 1, after: new Date() });
      if (!fireTime) {
        add(
          'schedule.at',
          `${job.schedule.source} has passed, so Scheduler would never run it: delete the job file or give it a later time`,
        );
      }
    }
  }
  problems.push(...nameCollisionProblems(jobs, names));
  if (problems.length > 0) throw new JobDeploymentError(problems);
}

/**
 * Every pair of resources of one kind that would get one name (CloudFormation would fail to
 * create the second), one problem per pair of owners, naming both and their files.
 */
function nameCollisionProblems(
  jobs: readonly JobSource[],
  names: ResourceNames,
): DeploymentProblem[] {
  const fileOf = new Map<string, string>();
  for (const source of jobs) {
    const file = source.relativeFile ?? source.file;
    const files = fileOf.get(source.definition.name);
    fileOf.set(source.definition.name, files === undefined ? file : `${files} and ${file}`);
  }
  const owner = (entry: PhysicalName) =>
    entry.job === undefined
      ? `the app's ${entry.role}`
      : `job "${entry.job}"'s ${entry.role} (${fileOf.get(entry.job)})`;
  const byOwners = new Map<string, { file: string; clashes: string[] }>();
  for (const { first, second } of names.collisions(jobs.map((source) => source.definition))) {
    // Two files of one job name are reported as such, once, above.
    if (first.job !== undefined && first.job === second.job) continue;
    const key = `${first.job ?? ''}\u0000${second.job ?? ''}`;
    const entry = byOwners.get(key) ?? {
      file: fileOf.get(second.job ?? first.job ?? '') ?? '(the app)',
      clashes: [],
    };
    entry.clashes.push(
      `the ${first.kind} "${first.name}" would be both ${owner(first)} and ${owner(second)}`,
    );
    byOwners.set(key, entry);
  }
  return [...byOwners.values()].map(({ file, clashes }) => ({
    file,
    field: 'name',
    message: `${clashes.join('; ')}: AWS allows one ${clashes.length === 1 ? 'such name' : 'of each name'}, so rename the job`,
  }));
}
