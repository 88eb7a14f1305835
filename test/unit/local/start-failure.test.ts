import { describe, expect, it } from 'vitest';
import { DataFolderInUseError } from '../../../local/data-folder-lock';
import { startLocalRuntime } from '../../../local/local-runtime';
import { describeStartFailure } from '../../../local/start-failure';
import { silentLogger } from '../../../shared/logging/silent-logger';
import { jobSource, useFixtureProjects } from '../discovery/fixture-project';

const newProject = useFixtureProjects();

/** What starting the runtime on `root` throws. */
async function startError(root: string): Promise<unknown> {
  try {
    const runtime = await startLocalRuntime({
      projectRoot: root,
      inMemory: true,
      port: 0,
      watch: false,
      logger: silentLogger,
    });
    await runtime.stop();
  } catch (error) {
    return error;
  }
  throw new Error('the runtime started');
}

describe('describeStartFailure', () => {
  it('lists the problems of invalid job files one per line, as jobctl validate does', async () => {
    const project = await newProject();
    await project.writeJob('fine.job.ts', jobSource());
    await project.writeJob(
      'nightly.job.ts',
      jobSource("retries: 12, schedule: { cron: '0 0 7 * * *' },"),
    );

    const text = await describeStartFailure(await startError(project.root), project.root);

    expect(text.split('\n')).toEqual([
      'npm run dev did not start: the job files have problems, as `npx jobctl validate` lists them:',
      'functions/jobs/nightly.job.ts: retries: must be a whole number from 0 to 10, got 12',
      expect.stringMatching(
        /^functions\/jobs\/nightly\.job\.ts: schedule\.cron: "0 0 7 \* \* \*" is not a valid schedule: /,
      ),
      'Fix them, then start it again.',
      '',
    ]);
  });

  it('lists a job a deploy could not create as jobctl validate does', async () => {
    const project = await newProject();
    await project.writeJob('alerts.job.ts', jobSource());

    const text = await describeStartFailure(await startError(project.root), project.root);

    expect(text).toMatch(/^npm run dev did not start: the job files have problems/);
    expect(text).toContain('\nfunctions/jobs/alerts.job.ts: ');
    expect(text).not.toMatch(/^\s+at /m);
  });

  it('says why the data folder is taken, without a stack', async () => {
    const error = new DataFolderInUseError('/p/.data', {
      pid: 4242,
      startedAt: '2026-01-01T00:00:00.000Z',
      port: 3000,
      url: 'http://localhost:3000',
      token: 't',
    });

    const text = await describeStartFailure(error, '/p');

    expect(text).toBe(`npm run dev did not start: ${error.message}\n`);
    expect(text).toContain('PID 4242, serving http://localhost:3000 (port 3000)');
  });

  it('keeps the stack of an error no one foresaw', async () => {
    const error = new TypeError('cannot read properties of undefined');

    const text = await describeStartFailure(error, '/p');

    expect(text).toContain('TypeError: cannot read properties of undefined\n    at ');
  });
});
