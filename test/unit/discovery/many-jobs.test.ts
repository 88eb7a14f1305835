import { describe, expect, it } from 'vitest';
import { discoverJobs } from '../../../discovery/index';
import { jobSource, useFixtureProjects } from './fixture-project';

const JOB_COUNT = 200;

// Not a speed check (benchmarks measure that): only that a large project loads completely.
describe('discoverJobs, with many job files', { timeout: 120_000 }, () => {
  const createProject = useFixtureProjects();

  it(`finds all ${JOB_COUNT} jobs of a large project, each under its own name`, async () => {
    const project = await createProject();
    const names = Array.from(
      { length: JOB_COUNT },
      (_, index) => `job-${String(index).padStart(3, '0')}`,
    );
    await Promise.all(
      names.map((name, index) =>
        project.writeJob(
          `team-${index % 10}/${name}.job.ts`,
          jobSource(`schedule: { rate: '${(index % 59) + 2} minutes' },`),
        ),
      ),
    );

    const { jobs, warnings } = await discoverJobs({ projectRoot: project.root });

    expect(jobs).toHaveLength(JOB_COUNT);
    expect(jobs.map((job) => job.definition.name).sort()).toEqual(names);
    expect(jobs.every((job) => job.definition.schedule?.kind === 'rate')).toBe(true);
    expect(warnings).toEqual([]);
    expect(await project.cacheFiles()).toEqual([]);
  });
});
