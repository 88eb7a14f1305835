import { JobsError } from '../shared/errors';
import type { AnyNamedJobDefinition } from '../shared/job/job-definition';
import { nameCollisionProblems } from '../shared/naming/name-collisions';
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
