import type { ResourceNames } from './resource-names';

/** A job as a file holds it: what its resources' names depend on, and where it is. */
export interface JobFile {
  readonly definition: { readonly name: string; readonly schedule?: unknown };
  readonly file: string;
  readonly relativeFile?: string;
}

/** A job whose resources would take a name that another resource of the app already has. */
export interface NameCollisionProblem {
  readonly file: string;
  readonly field: 'name';
  readonly message: string;
}

/**
 * Every pair of resources of one kind that would get one name (CloudFormation would fail to
 * create the second), one problem per pair of owners, naming both and their files.
 */
export function nameCollisionProblems(
  jobs: readonly JobFile[],
  names: ResourceNames,
): NameCollisionProblem[] {
  const fileOf = new Map<string, string>();
  for (const source of jobs) fileOf.set(source.definition.name, source.relativeFile ?? source.file);
  // One problem per job and what it collides with (the app, or another job), listing each name.
  const byOwners = new Map<string, { file: string; other: string; names: string[] }>();
  for (const { first, second } of names.collisions(jobs.map((source) => source.definition))) {
    // Two files of one job name are reported as such, once, above.
    if (first.job !== undefined && first.job === second.job) continue;
    const [job, other] = second.job !== undefined ? [second, first] : [first, second];
    if (job.job === undefined) continue;
    const otherOwner =
      other.job === undefined
        ? "the app's own resources"
        : `job "${other.job}" (${fileOf.get(other.job)})`;
    const key = `${job.job}\u0000${other.job ?? ''}`;
    const entry = byOwners.get(key) ?? {
      file: fileOf.get(job.job) ?? '(the app)',
      other: otherOwner,
      names: [],
    };
    entry.names.push(
      `the ${other.kind} "${other.name}" (${other.job === undefined ? "the app's " : ''}${other.role})`,
    );
    byOwners.set(key, entry);
  }
  return [...byOwners.values()].map(({ file, other, names: taken }) => ({
    file,
    field: 'name',
    message: `its resources would take names that ${other} have: ${taken.join(', ')}; AWS allows one of each name, so rename the job`,
  }));
}
