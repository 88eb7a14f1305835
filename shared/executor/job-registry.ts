import { JobDefinitionError, UnknownJobError } from '../errors';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../job/job-definition';

/** The jobs an executor can run, by name. */
export class JobRegistry {
  private readonly byName: ReadonlyMap<string, AnyNamedJobDefinition>;

  private constructor(byName: ReadonlyMap<string, AnyNamedJobDefinition>) {
    this.byName = byName;
  }

  /** Throws JobDefinitionError for a job without a name, or two jobs with one name. */
  static from(jobs: Iterable<AnyJobDefinition>): JobRegistry {
    const byName = new Map<string, AnyNamedJobDefinition>();
    for (const job of jobs) {
      if (job.name === undefined || job.displayName === undefined) {
        throw new JobDefinitionError(undefined, [
          {
            field: 'name',
            message:
              'the job has no name and none could be read from its file name; set name, or load it with discoverJobs()',
          },
        ]);
      }
      if (byName.has(job.name)) {
        throw new JobDefinitionError(job.name, [
          { field: 'name', message: `two jobs are named "${job.name}"; job names must be unique` },
        ]);
      }
      byName.set(job.name, job as AnyNamedJobDefinition);
    }
    return new JobRegistry(byName);
  }

  get(name: string): AnyNamedJobDefinition | undefined {
    return this.byName.get(name);
  }

  /** The job named `name`; throws UnknownJobError with a "did you mean" hint otherwise. */
  require(name: string): AnyNamedJobDefinition {
    const job = this.byName.get(name);
    if (!job) throw new UnknownJobError(name, this.names());
    return job;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): AnyNamedJobDefinition[] {
    return [...this.byName.values()];
  }
}
