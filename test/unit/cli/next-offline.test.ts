import { describe, expect, it } from 'vitest';
import { ApiUnreachableError } from '../../../cli/errors';
import { jobSource, useFixtureProjects } from '../discovery/fixture-project';
import { cli, fakeApi, memoryIo } from './cli-harness';

// The job files are loaded through esbuild, as discovery loads them.
const LOAD_TIMEOUT_MS = 30_000;

const noServer = () =>
  fakeApi({
    getJob: async () => {
      throw new ApiUnreachableError('Nothing answered at http://localhost:3000.');
    },
  });

describe('jobctl next without a server', { timeout: LOAD_TIMEOUT_MS }, () => {
  const createProject = useFixtureProjects();

  it("reads the schedule from the job's file, and says the pause state is unknown", async () => {
    const project = await createProject();
    await project.writeJob(
      'nightly-sync.job.ts',
      jobSource("schedule: { cron: '30 1 * * *', timezone: 'Europe/London' },"),
    );

    const { code, stdout, stderr } = await cli(['next', 'nightly-sync', '--count', '3', '--json'], {
      api: noServer(),
      io: memoryIo({ cwd: project.root }),
    });

    expect(code).toBe(0);
    expect(stderr).toBe(
      "No server answered at http://localhost:3000: the fire times come from nightly-sync's job file, and whether it is paused is not known.\n",
    );
    const printed = JSON.parse(stdout);
    expect(printed).toMatchObject({
      jobName: 'nightly-sync',
      timezone: 'Europe/London',
      paused: null,
    });
    expect(printed.fireTimes).toHaveLength(3);
    for (const { local } of printed.fireTimes) expect(local).toMatch(/T01:30:00\+0[01]:00$/);
  });

  it('names the closest job when no job file defines the one asked for', async () => {
    const project = await createProject();
    await project.writeJob('nightly-sync.job.ts', jobSource("schedule: { rate: '1 hour' },"));

    const { code, stderr } = await cli(['next', 'nightly-snyc'], {
      api: noServer(),
      io: memoryIo({ cwd: project.root }),
    });

    expect(code).toBe(1);
    expect(stderr).toContain('nightly-sync');
  });
});
